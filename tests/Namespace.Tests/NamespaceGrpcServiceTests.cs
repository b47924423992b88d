using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Namespace.Tests.Support;
using NamespaceApi = Cairn.Namespace.V1.Namespace;

namespace Namespace.Tests;

/// <summary>The service in-process (TestServer), driven through its generated gRPC client.</summary>
public sealed class NamespaceGrpcServiceTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "cairn-ns-grpc", Guid.NewGuid().ToString("n"));
    private readonly RecordingGarbageSink _garbage = new();
    private readonly WebApplicationFactory<Program> _factory;
    private readonly GrpcChannel _channel;
    private readonly NamespaceApi.NamespaceClient _client;

    public NamespaceGrpcServiceTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Cairn:DataDir", _dataDir)
            .ConfigureTestServices(s => s.AddSingleton<IGarbageSink>(_garbage)));
        _channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _factory.Server.CreateHandler() });
        _client = new NamespaceApi.NamespaceClient(_channel);
    }

    [Fact]
    public async Task NamespaceGrpcService_PutGetList_RoundTrip()
    {
        await _client.CreateBucketAsync(new CreateBucketRequest { Name = "photos", Owner = "alice" });
        var put = await _client.PutObjectAsync(new PutObjectRequest { Object = Objects.Version("photos", "a/1.jpg", "one") });
        await _client.PutObjectAsync(new PutObjectRequest { Object = Objects.Version("photos", "b.jpg", "two") });

        var got = await _client.GetObjectAsync(new GetObjectRequest { Bucket = "photos", Key = "a/1.jpg" });
        var list = await _client.ListObjectsAsync(new ListObjectsRequest { Bucket = "photos", Delimiter = "/" });
        var stats = await _client.GetStatsAsync(new GetStatsRequest());

        Assert.Equal("null", put.Object.VersionId);
        Assert.Equal(Objects.ETagOf("one"), got.Etag);
        Assert.True(got.IsLatest);
        Assert.Equal(["a/"], list.CommonPrefixes);
        Assert.Equal(["b.jpg"], list.Objects.Select(o => o.Key));
        Assert.Equal((1UL, 2UL), (stats.Buckets, stats.Objects));
        Assert.True(stats.Operations["PutObject"] >= 2);
    }

    [Fact]
    public async Task NamespaceGrpcService_Errors_CarryS3CodeAndDeleteMarkerTrailers()
    {
        await _client.CreateBucketAsync(new CreateBucketRequest { Name = "photos", Owner = "alice" });
        await _client.SetBucketVersioningAsync(new SetBucketVersioningRequest { Name = "photos", State = VersioningState.Enabled });
        await _client.PutObjectAsync(new PutObjectRequest { Object = Objects.Version("photos", "k") });
        var marker = await _client.DeleteObjectAsync(new DeleteObjectRequest { Bucket = "photos", Key = "k" });

        var latest = await Assert.ThrowsAsync<RpcException>(
            () => _client.GetObjectAsync(new GetObjectRequest { Bucket = "photos", Key = "k" }).ResponseAsync);
        var byId = await Assert.ThrowsAsync<RpcException>(
            () => _client.GetObjectAsync(new GetObjectRequest { Bucket = "photos", Key = "k", VersionId = marker.VersionId }).ResponseAsync);
        var dup = await Assert.ThrowsAsync<RpcException>(
            () => _client.CreateBucketAsync(new CreateBucketRequest { Name = "photos", Owner = "bob" }).ResponseAsync);
        var noBucket = await Assert.ThrowsAsync<RpcException>(
            () => _client.GetBucketAsync(new GetBucketRequest { Name = "nothing" }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "NoSuchKey"), (latest.StatusCode, latest.Status.Detail));
        Assert.Equal("true", latest.Trailers.GetValue("x-delete-marker"));
        Assert.Equal(marker.VersionId, latest.Trailers.GetValue("x-version-id"));
        Assert.Equal((StatusCode.FailedPrecondition, "MethodNotAllowed"), (byId.StatusCode, byId.Status.Detail));
        Assert.Equal((StatusCode.AlreadyExists, "BucketAlreadyExists"), (dup.StatusCode, dup.Status.Detail));
        Assert.Equal((StatusCode.NotFound, "NoSuchBucket"), (noBucket.StatusCode, noBucket.Status.Detail));
    }

    [Fact]
    public async Task NamespaceGrpcService_CompleteMultipartUpload_MapsValidationAndPublishesGarbage()
    {
        await _client.CreateBucketAsync(new CreateBucketRequest { Name = "photos", Owner = "alice" });
        var upload = await _client.CreateMultipartUploadAsync(new CreateMultipartUploadRequest
        {
            Template = new ObjectVersion { Bucket = "photos", Key = "big" },
        });
        var part1 = Objects.Part(1, 10, "a");
        var part2 = Objects.Part(2, 10, "b");
        foreach (var part in new[] { part1, part2 })
        {
            await _client.PutPartAsync(new PutPartRequest { Bucket = "photos", Key = "big", UploadId = upload.UploadId, Part = part });
        }

        var tooSmall = await Assert.ThrowsAsync<RpcException>(() => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            Bucket = "photos",
            Key = "big",
            UploadId = upload.UploadId,
            Parts = { new CompletedPart { PartNumber = 1, Etag = part1.Etag }, new CompletedPart { PartNumber = 2, Etag = part2.Etag } },
        }).ResponseAsync);
        var done = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            Bucket = "photos",
            Key = "big",
            UploadId = upload.UploadId,
            Parts = { new CompletedPart { PartNumber = 2, Etag = part2.Etag } },
        });

        Assert.Equal((StatusCode.FailedPrecondition, "EntityTooSmall"), (tooSmall.StatusCode, tooSmall.Status.Detail));
        Assert.EndsWith("-1\"", done.Object.Etag, StringComparison.Ordinal);
        var garbage = Assert.Single(done.Garbage);
        Assert.Equal(part1.Layout.Shards.Select(s => s.ShardId), garbage.Shards.Select(s => s.ShardId));
        Assert.Equal(("photos", "big", "overwritten"), _garbage.Events.Select(e => (e.Bucket, e.Key, e.Reason)).Single());
    }

    [Fact]
    public async Task NamespaceGrpcService_Dashboard_ShowsNamespaceStats()
    {
        await _client.CreateBucketAsync(new CreateBucketRequest { Name = "photos", Owner = "alice" });
        using var http = _factory.CreateClient();

        var json = await http.GetStringAsync(new Uri("/dashboard/status", UriKind.Relative));

        Assert.Contains("Namespace", json, StringComparison.Ordinal);
        Assert.Contains("Buckets", json, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _factory.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory does not change any result.
        }
    }
}
