using Cairn.Frontend.Backends;
using Cairn.Namespace.V1;
using Grpc.Core;

namespace Cairn.Frontend.Tests;

/// <summary>
/// Commits that make fresh shards referenced carry a deadline far inside the GC grace period: a commit landing
/// after reconciliation could have collected its shards would lose an acknowledged write.
/// </summary>
public sealed class CommitDeadlineTests
{
    [Fact]
    public async Task PutObjectAndPutPart_CarryTheCommitDeadline()
    {
        var invoker = new RecordingInvoker();
        var store = new GrpcObjectMetadataStore(new Namespace.V1.Namespace.NamespaceClient(invoker), TimeSpan.FromSeconds(42));
        var before = DateTime.UtcNow;

        await store.PutObjectAsync(new PutObjectRequest { Object = new ObjectVersion { Bucket = "b", Key = "k" } }, CancellationToken.None);
        await store.PutPartAsync(new PutPartRequest { Bucket = "b", Key = "k", UploadId = "u" }, CancellationToken.None);

        Assert.Equal(["PutObject", "PutPart"], invoker.Calls.Select(c => c.Method));
        Assert.All(invoker.Calls, c => Assert.InRange(c.Deadline!.Value, before.AddSeconds(42), DateTime.UtcNow.AddSeconds(42)));
    }

    [Fact]
    public async Task DefaultDeadline_IsFarInsideTheDefaultGcGrace()
    {
        var invoker = new RecordingInvoker();
        var store = new GrpcObjectMetadataStore(new Namespace.V1.Namespace.NamespaceClient(invoker));
        await store.PutObjectAsync(new PutObjectRequest { Object = new ObjectVersion { Bucket = "b", Key = "k" } }, CancellationToken.None);

        var remaining = invoker.Calls.Single().Deadline!.Value - DateTime.UtcNow;
        Assert.InRange(remaining, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300) / 4);
    }

    [Fact]
    public async Task DeadlineExceeded_IsServiceUnavailable()
    {
        var invoker = new RecordingInvoker { Fail = new RpcException(new Status(StatusCode.DeadlineExceeded, "late")) };
        var store = new GrpcObjectMetadataStore(new Namespace.V1.Namespace.NamespaceClient(invoker));

        var e = await Assert.ThrowsAsync<S3.Protocol.S3Exception>(() =>
            store.PutObjectAsync(new PutObjectRequest { Object = new ObjectVersion { Bucket = "b", Key = "k" } }, CancellationToken.None));
        Assert.Equal(503, e.StatusCode);
    }

    /// <summary>Answers every unary call with an empty response and records its method and deadline.</summary>
    private sealed class RecordingInvoker : CallInvoker
    {
        public List<(string Method, DateTime? Deadline)> Calls { get; } = [];

        public RpcException? Fail { get; init; }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Calls.Add((method.Name, options.Deadline));
            var response = Fail is null ? Task.FromResult(Activator.CreateInstance<TResponse>()) : Task.FromException<TResponse>(Fail);
            return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }
}
