using Cairn.Dashboard.Tests.Stack;

namespace Cairn.Dashboard.Tests.Tracing;

/// <summary>
/// One S3 request is one trace: the context travels from the frontend over gRPC to namespace, placement and the
/// storage nodes, and over the event bus (CloudEvents traceparent) to background-ops.
/// </summary>
[Collection(ObservedStackCollection.Name)]
public sealed class PutTraceTests(ObservedStackFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Put_OneObject_IsOneConnectedTraceAcrossTheServices()
    {
        const string key = "trace/put-one";
        await fixture.PutAsync(key, 100_000);
        var traceId = (await RequestSpansAsync(key, 1))[0].TraceId;

        var spans = await ObservedStackFixture.EventuallyAsync(
            () => Task.FromResult(fixture.Collector.Trace(traceId)),
            t => Services(t).IsSupersetOf(["frontend", "namespace", "placement", "storage-node"]) && Disconnected(t).Count == 0,
            Wait, "the PUT's spans from frontend, namespace, placement and storage nodes, all connected");

        var root = Assert.Single(spans, s => s.IsRoot);
        Assert.Equal("frontend", root.Service);
        Assert.Equal(OtlpSpan.KindServer, root.Kind);
        // Every service's part is a server span under the frontend's client call, not a trace of its own.
        Assert.All(spans.Where(s => s.Service != "frontend" && s.Kind == OtlpSpan.KindServer),
            s => Assert.Equal("frontend", spans.Single(p => p.SpanId == s.ParentSpanId).Service));
    }

    [Fact]
    public async Task Put_Overwrite_GarbageEventIsHandledInTheSameTrace()
    {
        const string key = "trace/overwritten";
        await fixture.PutAsync(key, 10_000);
        await fixture.PutAsync(key, 10_000); // displaces the first version: namespace publishes its shards as garbage
        var overwrite = (await RequestSpansAsync(key, 2))[1];

        var spans = await ObservedStackFixture.EventuallyAsync(
            () => Task.FromResult(fixture.Collector.Trace(overwrite.TraceId)),
            t => t.Any(s => s.Service == "background-ops" && s.Name == "object-garbage process") && Disconnected(t).Count == 0,
            Wait, "background-ops to handle the object-garbage event within the overwrite's trace");

        var handled = spans.Single(s => s.Service == "background-ops" && s.Name == "object-garbage process");
        Assert.Contains(Ancestors(handled, spans), s => s.Service == "namespace");
        Assert.Equal(overwrite.SpanId, Ancestors(handled, spans).Last().SpanId);
    }

    /// <summary>The frontend's server spans for PUTs of this key, oldest first.</summary>
    private async Task<List<OtlpSpan>> RequestSpansAsync(string key, int count) =>
        await ObservedStackFixture.EventuallyAsync(
            () => Task.FromResult(fixture.Collector.Spans
                .Where(s => s.Service == "frontend" && s.Kind == OtlpSpan.KindServer
                    && s.Attributes.GetValueOrDefault("url.path") == $"/{ObservedStackFixture.Bucket}/{key}")
                .ToList()),
            s => s.Count >= count, Wait, $"{count} frontend span(s) for PUT {key}");

    private static HashSet<string> Services(IEnumerable<OtlpSpan> spans) => spans.Select(s => s.Service).ToHashSet(StringComparer.Ordinal);

    /// <summary>Spans whose parent is not in the trace (the root excepted): a break in propagation.</summary>
    private static List<OtlpSpan> Disconnected(IReadOnlyList<OtlpSpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        return spans.Where(s => !s.IsRoot && !ids.Contains(s.ParentSpanId)).ToList();
    }

    private static List<OtlpSpan> Ancestors(OtlpSpan span, IReadOnlyList<OtlpSpan> spans)
    {
        var result = new List<OtlpSpan>();
        for (var p = spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId); p is not null; p = spans.FirstOrDefault(s => s.SpanId == p.ParentSpanId))
        {
            result.Add(p);
        }

        return result;
    }
}
