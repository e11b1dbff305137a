namespace Symbolic.Ops;

public enum ReduceKind { Sum, Prod, Max, Min, Mean, Argmax, Argmin }
