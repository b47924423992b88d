using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Common.V1;
using Frontend.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace Frontend.Tests;

/// <summary>Erasure coding as an S3 client sees it: x-amz-storage-class picks the scheme, a bad one is refused.</summary>
public sealed class ErasureCodingS3Tests : IAsyncLifetime
{
    private S3TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await S3TestServer.StartAsync(blockSize: 16 * 1024, settings: new() { ["Cairn:ErasureCoding:ThresholdBytes"] = "65536" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(null, RedundancyScheme.ErasureCoded, 6, "STANDARD")]
    [InlineData("STANDARD_IA", RedundancyScheme.ErasureCoded, 9, "STANDARD_IA")]
    [InlineData("REDUCED_REDUNDANCY", RedundancyScheme.Replicated, 3, "REDUCED_REDUNDANCY")]
    public async Task PutObject_StorageClass_ChoosesSchemeAndReadsBack(string? storageClass, RedundancyScheme scheme, int shards, string listed)
    {
        using var s3 = _server.Client();
        await s3.PutBucketAsync("ec-bucket");
        var data = DataPathHarness.Payload((300 * 1024) + 17);
        var put = new PutObjectRequest { BucketName = "ec-bucket", Key = "k", InputStream = new MemoryStream(data) };
        if (storageClass is not null)
        {
            put.StorageClass = new S3StorageClass(storageClass);
        }
        await s3.PutObjectAsync(put);

        var version = await _server.Metadata.GetObjectAsync("ec-bucket", "k", null, CancellationToken.None);
        Assert.Equal((scheme, shards), (version.Parts[0].Layout.Scheme, version.Parts[0].Layout.Shards.Count));
        using var get = await s3.GetObjectAsync("ec-bucket", "k");
        var body = new MemoryStream();
        await get.ResponseStream.CopyToAsync(body);
        Assert.Equal(data, body.ToArray());
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "ec-bucket" });
        Assert.Equal(listed, Assert.Single(list.S3Objects).StorageClass.Value);
    }

    [Fact]
    public async Task PutObject_UnknownStorageClass_InvalidStorageClassAndNothingStored()
    {
        using var s3 = _server.Client();
        await s3.PutBucketAsync("ec-bad");
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "ec-bad",
            Key = "k",
            ContentBody = "x",
            StorageClass = new S3StorageClass("PLATINUM"),
        }));
        Assert.Equal(("InvalidStorageClass", System.Net.HttpStatusCode.BadRequest), (e.ErrorCode, e.StatusCode));
        Assert.Equal(0, _server.Metadata.ObjectCount("ec-bad"));
        Assert.Equal(0, _server.Cluster.Committed);
    }

    [Fact]
    public async Task FrontendOptions_InvalidScheme_RefusedAtStartup()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            S3TestServer.StartAsync(settings: new() { ["Cairn:ErasureCoding:StorageClasses:STANDARD"] = "4+x" }));
        Assert.Contains("Cairn:ErasureCoding", e.Message, StringComparison.Ordinal);
    }
}
