namespace Symbolic;

/// <summary>
/// What <c>T.Grad</c> does with a <c>wrt</c> that the cost does not depend on (no path in the graph leads
/// from it to the cost): raise, naming it (the default, as Theano does, since such a variable is most often
/// a mistake: a parameter left out of the model, or the wrong variable passed), or give zeros of its shape.
/// </summary>
public enum DisconnectedInputs
{
    /// <summary>Raise an <see cref="ArgumentException"/> naming the disconnected variable.</summary>
    Raise,

    /// <summary>Its gradient is zeros of its shape and dtype.</summary>
    Zero,
}
