using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.S3.Protocol;
using Frontend.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Frontend.Tests;

/// <summary>
/// The operations and addressing modes real clients rely on beyond the basics: UploadPartCopy, ListObjects v1,
/// GetBucketLocation, copy-source conditions, virtual-hosted-style and keys from a credentials file, each
/// through the AWS SDK with its default settings.
/// </summary>
public sealed class S3CompatibilityTests() : SdkTestBase
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task UploadPartCopy_RangesOfTwoSources_CompletedObjectIsByteIdentical()
    {
        await S3.PutBucketAsync("parts");
        await S3.PutBucketAsync("sources");
        var big = Payload(11 * MiB + 3, seed: 1);
        var small = Payload(MiB + 7, seed: 2);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "sources", Key = "big", InputStream = new MemoryStream(big) });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "sources", Key = "small", InputStream = new MemoryStream(small) });
        var init = await S3.InitiateMultipartUploadAsync("parts", "stitched");

        // Part 1: the first 6 MiB of big; part 2: the tail of big from 6 MiB + 1; part 3: all of small.
        var p1 = await CopyPartAsync(init.UploadId, 1, "big", 0, 6 * MiB - 1);
        var p2 = await CopyPartAsync(init.UploadId, 2, "big", 6 * MiB + 1, big.Length - 1);
        var p3 = await S3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = "sources", SourceKey = "small", DestinationBucket = "parts", DestinationKey = "stitched",
            UploadId = init.UploadId, PartNumber = 3,
        });
        var listed = await S3.ListPartsAsync("parts", "stitched", init.UploadId);
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "parts", Key = "stitched", UploadId = init.UploadId,
            PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag), new PartETag(3, p3.ETag)],
        });

        var expected = big.AsSpan(0, 6 * MiB).ToArray().Concat(big.AsSpan(6 * MiB + 1).ToArray()).Concat(small).ToArray();
        Assert.Equal([6L * MiB, big.Length - 6L * MiB - 1, small.Length], listed.Parts.Select(p => p.Size ?? 0));
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(big.AsSpan(0, 6 * MiB))) + "\"", p1.ETag);
        using var get = await S3.GetObjectAsync("parts", "stitched");
        Assert.Equal(expected, await ReadAllAsync(get));
    }

    [Fact]
    public async Task UploadPartCopy_BadRangeMissingSourceOrUpload_ClearErrorsAndNoPart()
    {
        await S3.PutBucketAsync("bad");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "bad", Key = "src", InputStream = new MemoryStream(Payload(1000)) });
        var init = await S3.InitiateMultipartUploadAsync("bad", "dst");

        var pastEnd = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => CopyPartAsync(init.UploadId, 1, "src", 0, 1000, bucket: "bad"));
        var backwards = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => CopyPartAsync(init.UploadId, 1, "src", 10, 5, bucket: "bad"));
        var noSource = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => CopyPartAsync(init.UploadId, 1, "absent", 0, 1, bucket: "bad"));
        var noUpload = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = "bad", SourceKey = "src", DestinationBucket = "bad", DestinationKey = "dst", UploadId = "no-such-upload", PartNumber = 1,
        }));
        var ifMatchFails = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = "bad", SourceKey = "src", DestinationBucket = "bad", DestinationKey = "dst", UploadId = init.UploadId, PartNumber = 1,
            ETagToMatch = ["\"0123\""],
        }));

        Assert.Equal((HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange"), (pastEnd.StatusCode, pastEnd.ErrorCode));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgument"), (backwards.StatusCode, backwards.ErrorCode));
        Assert.Equal("NoSuchKey", noSource.ErrorCode);
        Assert.Equal("NoSuchUpload", noUpload.ErrorCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, ifMatchFails.StatusCode);
        Assert.Empty((await S3.ListPartsAsync("bad", "dst", init.UploadId)).Parts ?? []);
    }

    [Fact]
    public async Task GetObject_PartNumber_ServesThatPartOfAMultipartObject()
    {
        await S3.PutBucketAsync("byparts");
        var first = Payload(5 * MiB, seed: 3);
        var second = Payload(MiB + 9, seed: 4);
        var init = await S3.InitiateMultipartUploadAsync("byparts", "obj");
        var p1 = await S3.UploadPartAsync(new UploadPartRequest { BucketName = "byparts", Key = "obj", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(first) });
        var p2 = await S3.UploadPartAsync(new UploadPartRequest { BucketName = "byparts", Key = "obj", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(second) });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "byparts", Key = "obj", UploadId = init.UploadId, PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
        });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "byparts", Key = "single", ContentBody = "whole" });

        using var part2 = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "byparts", Key = "obj", PartNumber = 2 });
        var head1 = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "byparts", Key = "obj", PartNumber = 1 });
        using var single = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "byparts", Key = "single", PartNumber = 1 });
        var beyond = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = "byparts", Key = "obj", PartNumber = 3 }));

        Assert.Equal(second, await ReadAllAsync(part2));
        Assert.Equal((HttpStatusCode.PartialContent, 2), (part2.HttpStatusCode, part2.PartsCount));
        Assert.Equal($"bytes {first.Length}-{first.Length + second.Length - 1}/{first.Length + second.Length}", part2.ContentRange);
        Assert.Equal(first.Length, head1.ContentLength);
        Assert.Equal("whole", await new StreamReader(single.ResponseStream).ReadToEndAsync());
        Assert.Equal((HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidPartNumber"), (beyond.StatusCode, beyond.ErrorCode));
    }

    [Fact]
    public async Task CopyObject_SourceDateConditions_412WhenTheyFail()
    {
        await S3.PutBucketAsync("dates");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "dates", Key = "src", ContentBody = "x" });
        var modified = (await S3.GetObjectMetadataAsync("dates", "src")).LastModified!.Value.ToUniversalTime();

        var unmodifiedSince = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = "dates", SourceKey = "src", DestinationBucket = "dates", DestinationKey = "a", UnmodifiedSinceDate = modified.AddHours(-1),
        }));
        var modifiedSince = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = "dates", SourceKey = "src", DestinationBucket = "dates", DestinationKey = "b", ModifiedSinceDate = modified.AddHours(1),
        }));
        await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = "dates", SourceKey = "src", DestinationBucket = "dates", DestinationKey = "c", ModifiedSinceDate = modified.AddHours(-1),
        });

        Assert.Equal(HttpStatusCode.PreconditionFailed, unmodifiedSince.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, modifiedSince.StatusCode);
        var keys = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "dates" });
        Assert.Equal(["c", "src"], keys.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task ListObjectsV1_MarkerPagingWithDelimiter_SdkRoundTrip()
    {
        await S3.PutBucketAsync("listv1");
        string[] keys = ["a", "b/1", "b/2", "c", "d/1", "e"];
        foreach (var key in keys)
        {
            await S3.PutObjectAsync(new PutObjectRequest { BucketName = "listv1", Key = key, ContentBody = key });
        }

        var seen = new List<string>();
        var request = new ListObjectsRequest { BucketName = "listv1", Delimiter = "/", MaxKeys = 2 };
        var pages = 0;
        while (true)
        {
            var page = await S3.ListObjectsAsync(request);
            pages++;
            seen.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            seen.AddRange(page.CommonPrefixes ?? []);
            if (page.IsTruncated != true)
            {
                break;
            }
            request.Marker = page.NextMarker;
        }
        var flat = await S3.ListObjectsAsync(new ListObjectsRequest { BucketName = "listv1", Prefix = "b/" });

        Assert.Equal(["a", "b/", "c", "d/", "e"], seen);
        Assert.Equal(3, pages);
        Assert.Equal(["b/1", "b/2"], flat.S3Objects.Select(o => o.Key));
        Assert.All(flat.S3Objects, o => Assert.Equal(S3TestServer.AccessKey, o.Owner?.Id));
    }

    [Fact]
    public async Task GetBucketLocation_LocationConstraint_ReportedBack()
    {
        await S3.PutBucketAsync("classic");
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = "european", BucketRegionName = "eu-central-1" });

        var classic = await S3.GetBucketLocationAsync("classic");
        var european = await S3.GetBucketLocationAsync("european");

        // S3 reports us-east-1 as an empty constraint, which the SDK maps to its us-east-1 region.
        Assert.True(string.IsNullOrEmpty(classic.Location?.Value) || classic.Location.Value == "us-east-1", classic.Location?.Value);
        Assert.Equal("eu-central-1", european.Location.Value);
    }

    [Fact]
    public async Task VirtualHostedStyle_SdkWithoutPathStyle_RoutesByHost()
    {
        await using var server = await S3TestServer.StartAsync(settings: new() { ["Cairn:Domain"] = "s3.test" });
        var factory = new LoopbackHttpClientFactory(server.BaseUri.Port);
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(S3TestServer.AccessKey, S3TestServer.SecretKey), new AmazonS3Config
        {
            ServiceURL = $"http://s3.test:{server.BaseUri.Port}",
            ForcePathStyle = false,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = factory,
            MaxErrorRetry = 0,
        });

        await s3.PutBucketAsync("hosted");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "hosted", Key = "dir/k", ContentBody = "by host" });
        using var get = await s3.GetObjectAsync("hosted", "dir/k");
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "hosted" });

        Assert.Equal("by host", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        Assert.Equal(["dir/k"], listed.S3Objects.Select(o => o.Key));
        Assert.Contains("hosted.s3.test", factory.Hosts);
        Assert.Equal(1, server.Metadata.ObjectCount("hosted"));
    }

    [Fact]
    public async Task CredentialsFile_SeveralKeys_EachSignsAndOwnsItsBuckets()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file, ["# team keys", "alice-key:alice-secret-0001", "", "bob-key:bob-secret-0002"]);
        try
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["S3_ACCESS_KEY"] = "root-key", ["S3_SECRET_KEY"] = "root-secret", ["Cairn:CredentialsFile"] = file,
            }).Build();
            await using var server = await S3TestServer.StartAsync(services: s => s.AddSingleton(CredentialStore.FromConfiguration(config)));
            using var alice = server.Client("alice-key", "alice-secret-0001");
            using var bob = server.Client("bob-key", "bob-secret-0002");
            using var root = server.Client("root-key", "root-secret");
            using var forged = server.Client("alice-key", "bob-secret-0002");

            await alice.PutBucketAsync("alice-bucket");
            await bob.PutBucketAsync("bob-bucket");
            var aliceSees = await alice.ListBucketsAsync();
            var bobSees = await bob.ListBucketsAsync();
            var rootSees = await root.ListBucketsAsync();
            var crossing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => bob.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "alice-bucket" }));
            var wrongSecret = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => forged.ListBucketsAsync());
            var defaultKey = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => server.Client().ListBucketsAsync());

            Assert.Equal(["alice-bucket"], aliceSees.Buckets.Select(b => b.BucketName));
            Assert.Equal(["bob-bucket"], bobSees.Buckets.Select(b => b.BucketName));
            Assert.Empty(rootSees.Buckets ?? []);
            Assert.Equal("AccessDenied", crossing.ErrorCode);
            Assert.Equal("SignatureDoesNotMatch", wrongSecret.ErrorCode);
            Assert.Equal("InvalidAccessKeyId", defaultKey.ErrorCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private Task<CopyPartResponse> CopyPartAsync(string uploadId, int partNumber, string sourceKey, long first, long last, string bucket = "parts") =>
        S3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket == "parts" ? "sources" : bucket,
            SourceKey = sourceKey,
            DestinationBucket = bucket,
            DestinationKey = bucket == "parts" ? "stitched" : "dst",
            UploadId = uploadId,
            PartNumber = partNumber,
            FirstByte = first,
            LastByte = last,
        });

    private static byte[] Payload(int size, int seed = 7)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReadAllAsync(GetObjectResponse response)
    {
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }
}
