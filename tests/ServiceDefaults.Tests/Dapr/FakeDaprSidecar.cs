using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Cairn.ServiceDefaults.Tests.Dapr;

/// <summary>
/// An in-test Dapr sidecar answering the one call our publisher makes: the runtime API's
/// <c>dapr.proto.runtime.v1.Dapr/PublishEvent</c> over gRPC (Dapr.Client publishes over gRPC only; its HTTP endpoint
/// serves service invocation). Dapr.Protos ships no server base class, so the gRPC framing is done by hand:
/// a 5-byte prefix, the protobuf message, and <c>grpc-status</c> in the trailers.
/// </summary>
internal sealed class FakeDaprSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private FakeDaprSidecar(WebApplication app) => _app = app;

    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Events the sidecar accepted.</summary>
    public ConcurrentQueue<PublishEventRequest> Published { get; } = new();

    /// <summary>Every publish call, failed ones included.</summary>
    public ConcurrentQueue<PublishEventRequest> Received { get; } = new();

    public int Attempts;

    /// <summary>The next <paramref name="count"/> publishes fail: first as an HTTP 500, then as gRPC UNAVAILABLE.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    public static async Task<FakeDaprSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var fake = new FakeDaprSidecar(app);
        app.MapPost("/dapr.proto.runtime.v1.Dapr/PublishEvent", fake.PublishAsync);
        await app.StartAsync();
        fake.GrpcEndpoint = new Uri(app.Urls.Single());
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task PublishAsync(HttpContext ctx)
    {
        var attempt = Interlocked.Increment(ref Attempts);
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body);
        var frame = body.ToArray();
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4));
        var request = PublishEventRequest.Parser.ParseFrom(frame, 5, length);
        Received.Enqueue(request);

        var left = Interlocked.Decrement(ref _failuresLeft);
        if (left >= 0)
        {
            if (attempt % 2 == 1)
            {
                ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            ctx.Response.ContentType = "application/grpc";
            ctx.Response.AppendTrailer("grpc-status", "14"); // UNAVAILABLE: e.g. the broker is down
            ctx.Response.AppendTrailer("grpc-message", "pubsub unavailable");
            return;
        }

        Published.Enqueue(request);
        ctx.Response.ContentType = "application/grpc";
        await ctx.Response.Body.WriteAsync(new byte[5]); // google.protobuf.Empty: uncompressed, zero length
        ctx.Response.AppendTrailer("grpc-status", "0");
    }
}
