namespace Cairn.Dashboard.Tests.Stack;

/// <summary>One span as a service exported it, with the fields the trace tests look at.</summary>
public sealed record OtlpSpan(
    string Service,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int KindServer = 2;
    public const int KindClient = 3;

    public bool IsRoot => ParentSpanId.Length == 0;
}
