namespace Symbolic;

/// <summary>Raised by <c>T.Parse</c> for text it cannot read: what was expected and where, or which name is unknown.</summary>
public sealed class ParseException : ArgumentException
{
    public ParseException(string message)
        : base(message)
    {
    }

    public ParseException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
