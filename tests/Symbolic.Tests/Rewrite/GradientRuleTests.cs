using Symbolic.Ops;
using Symbolic.Rewrite.Differentiate;

namespace Symbolic.Tests.Rewrite;

public class GradientRuleTests
{
    [Fact]
    public void EveryFloatCapableScalarOpHasAGradientRuleInText()
    {
        var expected = ScalarOps.All.Where(o => o.Typing is ScalarTyping.Arithmetic or ScalarTyping.Float or ScalarTyping.Select or ScalarTyping.SecondOperand)
            .Select(o => o.Name).Order().ToList();
        Assert.Equal(expected, GradientRules.All.Keys.Order().ToList());
    }

    [Fact]
    public void RulesReadLikeTheirText()
    {
        var r = GradientRules.All["true_div"];
        Assert.Equal(["x", "y"], r.Operands);
        Assert.Equal("true_div(g, y)", r.Gradients[0]!.ToString());
        Assert.Null(GradientRules.All["switch"].Gradients[0]);
    }

    [Theory]
    [InlineData("exp x: g", "expected 'op(operands):'")]
    [InlineData("exp(x): g, g", "1 operands but 2 gradients")]
    [InlineData("exp(x): g * z", "names 'z'")]
    [InlineData("frob(x): g", "'frob' is not an elementwise op")]
    [InlineData("exp(x): g\nexp(x): g", "a second rule")]
    [InlineData("exp(x): g +", "t.rules:1")]
    public void MalformedRulesAreReportedWithTheLine(string text, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => GradientRules.ParseText(text, "t.rules"));
        Assert.Contains(fragment, e.Message);
    }
}
