using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.Dashboard.Tests.Stack;

/// <summary>
/// An in-memory OTLP/HTTP receiver on 127.0.0.1: the stack's services export their spans here (the in-memory
/// exporter of a multi-process test), and the tests read them back.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private WebApplication? _app;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyCollection<OtlpSpan> Spans => _spans;

    public static async Task<OtlpCollector> StartAsync()
    {
        var collector = new OtlpCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/traces", (Delegate)collector.ReceiveTracesAsync);
        app.MapPost("/v1/{signal}", () => Results.Bytes([], "application/x-protobuf")); // metrics and logs: accepted, unused
        await app.StartAsync();
        collector._app = app;
        collector.Endpoint = app.Urls.Single();
        return collector;
    }

    public IReadOnlyList<OtlpSpan> Trace(string traceId) => _spans.Where(s => s.TraceId == traceId).ToList();

    private async Task<IResult> ReceiveTracesAsync(HttpContext ctx)
    {
        Stream body = ctx.Request.Body;
        if (string.Equals(ctx.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ctx.RequestAborted);
        foreach (var span in OtlpTraceDecoder.Decode(buffer.ToArray()))
        {
            _spans.Enqueue(span);
        }

        return Results.Bytes([], "application/x-protobuf");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
