using System.Reflection;
using Symbolic.Rewrite.Canonicalize;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Engine;

/// <summary>
/// The standard phases and their rules: the embedded rules files (<c>&lt;phase&gt;.&lt;family&gt;.rules</c>)
/// and the rules written as code, in order merge, canonicalize, stabilize, specialize. The later
/// phases run the canonicalize rules after their own, so their results come out canonical.
/// Merging equal subexpressions needs no rules: nodes are hash-consed, so rebuilding the graph
/// in the merge phase is the merge.
/// </summary>
public static class Rulebook
{
    public static readonly string[] PhaseNames = ["merge", "canonicalize", "stabilize", "specialize"];

    private static readonly Lazy<RewriteEngine> Standard = new(Build);

    public static RewriteEngine Engine => Standard.Value;

    /// <summary>Every rule of a phase's own files, parsed.</summary>
    public static IReadOnlyList<Rule> RulesOf(string phase) => LoadFiles().Where(f => f.Phase == phase).SelectMany(f => f.Rules).ToList();

    /// <summary>Every rule in every rules file.</summary>
    public static IReadOnlyList<(string File, Rule Rule)> AllTextRules() =>
        LoadFiles().SelectMany(f => f.Rules.Select(r => (f.File, r))).ToList();

    private static RewriteEngine Build()
    {
        var files = LoadFiles();
        List<IRewriter> Own(string phase) => files.Where(f => f.Phase == phase).SelectMany(f => f.Rules).Select(r => (IRewriter)new TextRewriter(r)).ToList();
        var canonical = StructuralRules.All().Concat(Own("canonicalize")).ToList();
        var phases = new List<Phase>();
        foreach (var name in PhaseNames)
        {
            var phase = new Phase(name);
            var rewriters = name switch
            {
                "merge" => [],
                "canonicalize" => canonical,
                "specialize" => Specialize.SpecializeRules.All().Concat(Own(name)).Concat(canonical).ToList(),
                "stabilize" => Own(name).Concat(Stabilize.StabilizeRules.All()).Concat(canonical).ToList(),
                _ => Own(name).Concat(canonical).ToList(),
            };
            foreach (var r in rewriters) phase.Add(r);
            phases.Add(phase);
        }
        return new RewriteEngine(phases);
    }

    private static List<(string File, string Phase, IReadOnlyList<Rule> Rules)> LoadFiles()
    {
        var asm = typeof(Rulebook).Assembly;
        var result = new List<(string, string, IReadOnlyList<Rule>)>();
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.EndsWith(".rules", StringComparison.Ordinal) && n != "gradients.rules").Order(StringComparer.Ordinal))
        {
            var phase = res.Split('.')[0];
            if (!PhaseNames.Contains(phase))
                throw new InvalidOperationException($"Rules file {res} does not start with a phase name ({string.Join(", ", PhaseNames)}).");
            using var stream = asm.GetManifestResourceStream(res)!;
            using var reader = new StreamReader(stream);
            result.Add((res, phase, RuleParser.ParseFile(reader.ReadToEnd(), res)));
        }
        return result;
    }
}
