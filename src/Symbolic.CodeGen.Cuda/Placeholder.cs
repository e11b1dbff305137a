namespace Symbolic; internal static class Placeholder {}
