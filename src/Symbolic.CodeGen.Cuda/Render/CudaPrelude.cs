namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// The helper functions every module starts with: one overload per element type for the scalar
/// ops whose right spelling depends on the type (<see cref="CudaSpelling"/>), conversions that
/// saturate as the interpreter's do, and the block reductions (warp shuffles, then shared memory
/// across warps) that reduction and row kernels share. Plain CUDA C++, no headers: NVRTC compiles
/// it as it stands.
/// </summary>
public static class CudaPrelude
{
    /// <summary>Threads per block of every kernel (a multiple of the warp size; the block reductions assume it).</summary>
    public const int BlockSize = 256;

    public const string Text = """
        // ---- prelude: scalar helpers with the semantics of the reference interpreter ----
        #define SYM_INLINE static __device__ __forceinline__

        // NumPy's maximum and minimum propagate NaN (fmax and fmin would drop it).
        SYM_INLINE float sym_max(float a, float b) { return a != a ? a : b != b ? b : fmaxf(a, b); }
        SYM_INLINE double sym_max(double a, double b) { return a != a ? a : b != b ? b : fmax(a, b); }
        SYM_INLINE int sym_max(int a, int b) { return a > b ? a : b; }
        SYM_INLINE long long sym_max(long long a, long long b) { return a > b ? a : b; }
        SYM_INLINE float sym_min(float a, float b) { return a != a ? a : b != b ? b : fminf(a, b); }
        SYM_INLINE double sym_min(double a, double b) { return a != a ? a : b != b ? b : fmin(a, b); }
        SYM_INLINE int sym_min(int a, int b) { return a < b ? a : b; }
        SYM_INLINE long long sym_min(long long a, long long b) { return a < b ? a : b; }
        SYM_INLINE float sym_clip(float x, float lo, float hi) { return sym_min(sym_max(x, lo), hi); }
        SYM_INLINE double sym_clip(double x, double lo, double hi) { return sym_min(sym_max(x, lo), hi); }
        SYM_INLINE int sym_clip(int x, int lo, int hi) { return sym_min(sym_max(x, lo), hi); }
        SYM_INLINE long long sym_clip(long long x, long long lo, long long hi) { return sym_min(sym_max(x, lo), hi); }

        // abs of an integer is integer arithmetic (the most negative value wraps to itself).
        SYM_INLINE float sym_abs(float x) { return fabsf(x); }
        SYM_INLINE double sym_abs(double x) { return fabs(x); }
        SYM_INLINE int sym_abs(int x) { return x < 0 ? (int)(0u - (unsigned int)x) : x; }
        SYM_INLINE long long sym_abs(long long x) { return x < 0 ? (long long)(0ull - (unsigned long long)x) : x; }

        // sign(NaN) is NaN and sign(+-0) is +-0; integers give -1, 0 or 1.
        SYM_INLINE float sym_sign(float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x; }
        SYM_INLINE double sym_sign(double x) { return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x; }
        SYM_INLINE int sym_sign(int x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
        SYM_INLINE long long sym_sign(long long x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

        // relu keeps NaN; floor and ceil of an integer are the integer.
        SYM_INLINE float sym_relu(float x) { return x < 0.0f ? 0.0f : x; }
        SYM_INLINE double sym_relu(double x) { return x < 0.0 ? 0.0 : x; }
        SYM_INLINE int sym_relu(int x) { return x < 0 ? 0 : x; }
        SYM_INLINE long long sym_relu(long long x) { return x < 0 ? 0 : x; }
        SYM_INLINE float sym_floor(float x) { return floorf(x); }
        SYM_INLINE double sym_floor(double x) { return floor(x); }
        SYM_INLINE int sym_floor(int x) { return x; }
        SYM_INLINE long long sym_floor(long long x) { return x; }
        SYM_INLINE float sym_ceil(float x) { return ceilf(x); }
        SYM_INLINE double sym_ceil(double x) { return ceil(x); }
        SYM_INLINE int sym_ceil(int x) { return x; }
        SYM_INLINE long long sym_ceil(long long x) { return x; }

        // Every integer is finite.
        SYM_INLINE bool sym_isfinite(float x) { return isfinite(x); }
        SYM_INLINE bool sym_isfinite(double x) { return isfinite(x); }
        SYM_INLINE bool sym_isfinite(int x) { return true; }
        SYM_INLINE bool sym_isfinite(long long x) { return true; }

        // sigmoid through exp(-|x|), so it never overflows; softplus(x) = max(x, 0) + log1p(exp(-|x|)).
        SYM_INLINE float sym_sigmoid(float x) { return x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x)); }
        SYM_INLINE double sym_sigmoid(double x) { return x >= 0.0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }
        SYM_INLINE float sym_softplus(float x) { return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)); }
        SYM_INLINE double sym_softplus(double x) { return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

        // Conversions to integers truncate and saturate, NaN giving 0; int64 to int32 saturates.
        SYM_INLINE int sym_sat_i32(long long x) { return x > 2147483647LL ? 2147483647 : x < -2147483648LL ? (-2147483647 - 1) : (int)x; }
        SYM_INLINE int sym_f2i32(float x) { return x != x ? 0 : x >= 2147483648.0f ? 2147483647 : x <= -2147483648.0f ? (-2147483647 - 1) : (int)x; }
        SYM_INLINE int sym_d2i32(double x) { return x != x ? 0 : x >= 2147483647.0 ? 2147483647 : x <= -2147483648.0 ? (-2147483647 - 1) : (int)x; }
        SYM_INLINE long long sym_f2i64(float x) { return x != x ? 0 : x >= 9.2233720368547758e18f ? 9223372036854775807LL : x <= -9.2233720368547758e18f ? (-9223372036854775807LL - 1) : (long long)x; }
        SYM_INLINE long long sym_d2i64(double x) { return x != x ? 0 : x >= 9.2233720368547758e18 ? 9223372036854775807LL : x <= -9.2233720368547758e18 ? (-9223372036854775807LL - 1) : (long long)x; }

        // The first position a slice entry selects, clamped to the dimension as a Python slice.
        SYM_INLINE long long sym_slice_start(long long size, long long start, bool from_end)
        {
            long long s = from_end ? size - start : start;
            return s < 0 ? 0 : s > size ? size : s;
        }

        // ---- block reductions: warp shuffles, then one value per warp through shared memory ----
        // Every thread of the block calls them; every thread gets the block's result. identity is
        // the operation's neutral value (0 for a sum, 1 for a product, -inf for a maximum, ...).
        template <typename T, typename Op>
        static __device__ T sym_block_reduce(T v, Op op, T identity)
        {
            __shared__ T warp_part[32];
            __syncthreads();
            for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
            if ((threadIdx.x & 31) == 0) warp_part[threadIdx.x >> 5] = v;
            __syncthreads();
            if (threadIdx.x < 32)
            {
                int warps = (blockDim.x + 31) >> 5;
                v = threadIdx.x < warps ? warp_part[threadIdx.x] : identity;
                for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
                if (threadIdx.x == 0) warp_part[0] = v;
            }
            __syncthreads();
            return warp_part[0];
        }

        struct sym_add { template <typename T> __device__ T operator()(T a, T b) const { return a + b; } };
        struct sym_mul { template <typename T> __device__ T operator()(T a, T b) const { return a * b; } };
        struct sym_maxop { template <typename T> __device__ T operator()(T a, T b) const { return sym_max(a, b); } };
        struct sym_minop { template <typename T> __device__ T operator()(T a, T b) const { return sym_min(a, b); } };

        // Arg reductions carry (value, position): NaN wins (the first one), then the larger (argmax)
        // or smaller (argmin) value, then the earlier position; position -1 is "nothing yet".
        SYM_INLINE bool sym_arg_better(double v, long long i, double w, long long j, bool is_max)
        {
            if (j < 0) return i >= 0;
            if (i < 0) return false;
            bool vn = v != v, wn = w != w;
            if (vn || wn) return vn && (!wn || i < j);
            if (v == w) return i < j;
            return is_max ? v > w : v < w;
        }

        static __device__ void sym_block_arg(double& v, long long& i, bool is_max)
        {
            __shared__ double warp_value[32];
            __shared__ long long warp_index[32];
            __syncthreads();
            for (int o = 16; o > 0; o >>= 1)
            {
                double w = __shfl_down_sync(0xffffffffu, v, o);
                long long j = __shfl_down_sync(0xffffffffu, i, o);
                if (sym_arg_better(w, j, v, i, is_max)) { v = w; i = j; }
            }
            if ((threadIdx.x & 31) == 0) { warp_value[threadIdx.x >> 5] = v; warp_index[threadIdx.x >> 5] = i; }
            __syncthreads();
            if (threadIdx.x < 32)
            {
                int warps = (blockDim.x + 31) >> 5;
                v = threadIdx.x < warps ? warp_value[threadIdx.x] : 0.0;
                i = threadIdx.x < warps ? warp_index[threadIdx.x] : -1;
                for (int o = 16; o > 0; o >>= 1)
                {
                    double w = __shfl_down_sync(0xffffffffu, v, o);
                    long long j = __shfl_down_sync(0xffffffffu, i, o);
                    if (sym_arg_better(w, j, v, i, is_max)) { v = w; i = j; }
                }
                if (threadIdx.x == 0) { warp_value[0] = v; warp_index[0] = i; }
            }
            __syncthreads();
            v = warp_value[0];
            i = warp_index[0];
        }
        // ---- end of prelude ----
        """;
}
