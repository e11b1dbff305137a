namespace Symbolic.Nn;

/// <summary>Scalar losses (means over the batch), built from the core's helpers so the rewrites can stabilize them.</summary>
public static class Loss
{
    /// <summary>Mean categorical cross-entropy of probability rows against int labels or one-hot/probability rows.</summary>
    public static Variable CategoricalCrossentropy(Variable probs, Variable targets) => T.Mean(T.CategoricalCrossentropy(probs, targets));

    /// <summary>Mean cross-entropy of the softmax of <paramref name="logits"/> (PyTorch's <c>CrossEntropyLoss</c>).</summary>
    public static Variable SoftmaxCrossentropy(Variable logits, Variable targets) => CategoricalCrossentropy(T.Softmax(logits), targets);

    /// <summary>Mean binary cross-entropy of probabilities <paramref name="p"/> against targets in [0, 1].</summary>
    public static Variable BinaryCrossentropy(Variable p, Variable targets) => T.Mean(T.BinaryCrossentropy(p, targets));

    /// <summary>Mean of the squared differences.</summary>
    public static Variable MeanSquaredError(Variable prediction, Variable target) => T.MeanSquaredError(prediction, target);
}
