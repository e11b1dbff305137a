using System.Buffers.Binary;

namespace Symbolic.CodeGen;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, for cache keys and entry checksums. The platform's
/// implementation goes through OpenSSL on Linux, whose first use costs about 30 ms of CPU in a fresh
/// process: a third of the budget for loading a program from the disk cache. Same digests.
/// </summary>
internal sealed class Sha256
{
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] state = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    private readonly byte[] block = new byte[64];
    private int buffered;
    private long length;

    /// <summary>The digest of <paramref name="data"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var sha = new Sha256();
        sha.Append(data);
        var digest = new byte[32];
        sha.Finish(digest);
        return digest;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        length += data.Length;
        if (buffered > 0)
        {
            int take = Math.Min(64 - buffered, data.Length);
            data[..take].CopyTo(block.AsSpan(buffered));
            buffered += take;
            data = data[take..];
            if (buffered < 64) return;
            Compress(state, block);
            buffered = 0;
        }
        int whole = data.Length & ~63;
        if (whole > 0) Compress(state, data[..whole]);
        data[whole..].CopyTo(block);
        buffered = data.Length - whole;
    }

    /// <summary>Writes the digest (32 bytes) of everything appended; the object is spent.</summary>
    public void Finish(Span<byte> digest)
    {
        long bits = length * 8;
        Span<byte> pad = stackalloc byte[72];
        pad.Clear();
        pad[0] = 0x80;
        int padLength = (buffered < 56 ? 56 : 120) - buffered;
        BinaryPrimitives.WriteInt64BigEndian(pad[padLength..], bits);
        Append(pad[..(padLength + 8)]);
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state[i]);
    }

    /// <summary>A digest in hexadecimal, upper case (as <c>Convert.ToHexString</c> gives it; a loop of the library's own, so a fresh process has nothing to JIT-compile for it).</summary>
    public static string ToHex(ReadOnlySpan<byte> digest)
    {
        const string digits = "0123456789ABCDEF";
        var chars = new char[digest.Length * 2];
        for (int i = 0; i < digest.Length; i++)
        {
            chars[2 * i] = digits[digest[i] >> 4];
            chars[2 * i + 1] = digits[digest[i] & 15];
        }
        return new string(chars);
    }

    // Not AggressiveOptimization: a method so marked is left out of precompiled (ReadyToRun) images
    // and JIT-compiled fully optimized in every process; without it, a precompiled library brings
    // it ready, and a plain one starts it unoptimized and replaces its loop within the first blocks.
    // Words are read and rotated by hand: calls into the framework (BinaryPrimitives, BitOperations)
    // are not inlined into precompiled code, and cost a call per word there.
    private static void Compress(uint[] h, ReadOnlySpan<byte> blocks)
    {
        Span<uint> w = stackalloc uint[64];
        var k = K;
        for (int offset = 0; offset < blocks.Length; offset += 64)
        {
            var block = blocks.Slice(offset, 64);
            for (int t = 0; t < 16; t++)
                w[t] = (uint)block[4 * t] << 24 | (uint)block[4 * t + 1] << 16 | (uint)block[4 * t + 2] << 8 | block[4 * t + 3];
            for (int t = 16; t < 64; t++)
            {
                uint x = w[t - 15], y = w[t - 2];
                uint s0 = (x >> 7 | x << 25) ^ (x >> 18 | x << 14) ^ (x >> 3);
                uint s1 = (y >> 17 | y << 15) ^ (y >> 19 | y << 13) ^ (y >> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }
            uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (int t = 0; t < 64; t++)
            {
                uint t1 = hh + ((e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7))
                    + ((e & f) ^ (~e & g)) + k[t] + w[t];
                uint t2 = ((a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10))
                    + ((a & b) ^ (a & c) ^ (b & c));
                hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }
            h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
        }
    }
}
