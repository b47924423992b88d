using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Frontend.Tests.Fakes;

namespace Frontend.Tests;

/// <summary>Round trips with the real AWS SDK for .NET (default settings, path style) against the in-process frontend.</summary>
public sealed class S3SdkTests() : SdkTestBase
{

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

    [Fact]
    public async Task Buckets_Lifecycle_SdkRoundTrip()
    {
        await S3.PutBucketAsync("alpha");
        await S3.PutBucketAsync("beta");
        var list = await S3.ListBucketsAsync();
        Assert.Equal(["alpha", "beta"], list.Buckets.Select(b => b.BucketName));

        var location = await S3.GetBucketLocationAsync("alpha");
        Assert.True(string.IsNullOrEmpty(location.Location?.Value) || location.Location.Value == "us-east-1");

        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync("alpha"));
        Assert.Equal("BucketAlreadyOwnedByYou", again.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var invalid = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync("Bad_Name"));
        Assert.Equal("InvalidBucketName", invalid.ErrorCode);

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "alpha", Key = "k", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.DeleteBucketAsync("alpha"));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);
        Assert.False(string.IsNullOrEmpty(notEmpty.RequestId));

        await S3.DeleteObjectAsync("alpha", "k");
        await S3.DeleteBucketAsync("alpha");
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "alpha" }));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
    }

    [Fact]
    public async Task PutGet_LargeObjectWithMetadata_SdkRoundTrip()
    {
        await S3.PutBucketAsync("data");
        var data = Payload(3 * 1024 * 1024 + 17);
        var put = new PutObjectRequest
        {
            BucketName = "data",
            Key = "dir/ob ject+ü.bin",
            InputStream = new MemoryStream(data),
            ContentType = "application/x-test",
        };
        put.Metadata["color"] = "blue";
        put.Headers.CacheControl = "max-age=60";
        var putResponse = await S3.PutObjectAsync(put);
#pragma warning disable CA5351
        var md5 = "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";
#pragma warning restore CA5351
        Assert.Equal(md5, putResponse.ETag);

        using var get = await S3.GetObjectAsync("data", "dir/ob ject+ü.bin");
        Assert.Equal(data, await ReadAllAsync(get));
        Assert.Equal(md5, get.ETag);
        Assert.Equal("application/x-test", get.Headers.ContentType);
        Assert.Equal("blue", get.Metadata["color"]);
        Assert.Equal("max-age=60", get.Headers.CacheControl);

        var head = await S3.GetObjectMetadataAsync("data", "dir/ob ject+ü.bin");
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal(md5, head.ETag);
    }

    [Fact]
    public async Task GetObject_Ranges_SdkRoundTrip()
    {
        await S3.PutBucketAsync("ranges");
        var data = Payload(1_000_000);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "ranges", Key = "r", InputStream = new MemoryStream(data) });

        using (var slice = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "ranges", Key = "r", ByteRange = new ByteRange(300_000, 700_009) }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, slice.HttpStatusCode);
            Assert.Equal(data.AsSpan(300_000, 400_010).ToArray(), await ReadAllAsync(slice));
            Assert.Equal("bytes 300000-700009/1000000", slice.ContentRange);
        }
        using (var suffix = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "ranges", Key = "r", ByteRange = new ByteRange("bytes=-10") }))
        {
            Assert.Equal(data.AsSpan(data.Length - 10).ToArray(), await ReadAllAsync(suffix));
        }
        using (var open = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "ranges", Key = "r", ByteRange = new ByteRange("bytes=999990-") }))
        {
            Assert.Equal(data.AsSpan(999_990).ToArray(), await ReadAllAsync(open));
        }
        var unsatisfiable = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = "ranges", Key = "r", ByteRange = new ByteRange("bytes=99999999-") }));
        Assert.Equal("InvalidRange", unsatisfiable.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task PutObject_TrailingChecksum_StoredAndReturnedWithChecksumMode()
    {
        await S3.PutBucketAsync("sums");
        var data = Payload(700_000);
        var put = await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "sums",
            Key = "c",
            InputStream = new MemoryStream(data),
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
        });
        using var crc = Cairn.S3.Protocol.ChecksumCalculator.Create(Cairn.S3.Protocol.ChecksumAlgorithm.Crc32C);
        crc.Append(data);
        Assert.Equal(crc.GetBase64(), put.ChecksumCRC32C);

        using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "sums", Key = "c", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(data, await ReadAllAsync(get));
        Assert.Equal(crc.GetBase64(), get.ChecksumCRC32C);
    }

    [Fact]
    public async Task PutObject_BadContentMd5_BadDigestAndNothingCommitted()
    {
        await S3.PutBucketAsync("digest");
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "digest",
            Key = "d",
            ContentBody = "hello world",
            MD5Digest = Convert.ToBase64String(new byte[16]),
        }));
        Assert.Equal("BadDigest", error.ErrorCode);
        Assert.Equal(0, Server.Metadata.ObjectCount("digest"));
        Assert.Equal(0, Server.Cluster.Committed);
    }

    [Fact]
    public async Task Multipart_TransferUtility_UploadThenRangeAcrossParts()
    {
        await S3.PutBucketAsync("mpu");
        var data = Payload(12 * 1024 * 1024 + 5);
        using var transfer = new TransferUtility(S3, new TransferUtilityConfig { MinSizeBeforePartUpload = 5 * 1024 * 1024 });
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = "mpu",
            Key = "big",
            InputStream = new MemoryStream(data),
            PartSize = 5 * 1024 * 1024,
        });

        var head = await S3.GetObjectMetadataAsync("mpu", "big");
        Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
        Assert.Equal(data.Length, head.ContentLength);

        using (var whole = await S3.GetObjectAsync("mpu", "big"))
        {
            Assert.Equal(data, await ReadAllAsync(whole));
        }
        var from = 5 * 1024 * 1024 - 100;
        using var span = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "mpu", Key = "big", ByteRange = new ByteRange(from, from + 5 * 1024 * 1024 + 199) });
        Assert.Equal(data.AsSpan(from, 5 * 1024 * 1024 + 200).ToArray(), await ReadAllAsync(span));
    }

    [Fact]
    public async Task Multipart_LowLevel_ListPartsAbortAndErrors()
    {
        await S3.PutBucketAsync("mp2");
        var init = await S3.InitiateMultipartUploadAsync("mp2", "obj");
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = "mp2", Key = "obj", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(Payload(1000)) });
        var parts = await S3.ListPartsAsync("mp2", "obj", init.UploadId);
        Assert.Equal(part.ETag, Assert.Single(parts.Parts).ETag);
        var uploads = await S3.ListMultipartUploadsAsync("mp2");
        Assert.Equal(init.UploadId, Assert.Single(uploads.MultipartUploads).UploadId);

        var wrongEtag = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "mp2",
            Key = "obj",
            UploadId = init.UploadId,
            PartETags = [new PartETag(1, "\"00000000000000000000000000000000\"")],
        }));
        Assert.Equal("InvalidPart", wrongEtag.ErrorCode);

        await S3.AbortMultipartUploadAsync("mp2", "obj", init.UploadId);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.UploadPartAsync(new UploadPartRequest { BucketName = "mp2", Key = "obj", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(Payload(10)) }));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
    }

    [Fact]
    public async Task ConditionalRequests_GetAndPut()
    {
        await S3.PutBucketAsync("cond");
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = "cond", Key = "k", ContentBody = "v1" });

        var notModified = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = "cond", Key = "k", EtagToNotMatch = put.ETag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var failed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = "cond", Key = "k", EtagToMatch = "\"nope\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        using (var ok = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "cond", Key = "k", EtagToMatch = put.ETag }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.HttpStatusCode);
        }

        var exists = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectAsync(new PutObjectRequest { BucketName = "cond", Key = "k", ContentBody = "v2", IfNoneMatch = "*" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, exists.StatusCode);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "cond", Key = "new", ContentBody = "v1", IfNoneMatch = "*" });
        using var still = await S3.GetObjectAsync("cond", "k");
        Assert.Equal("v1", new StreamReader(still.ResponseStream).ReadToEnd());
    }

    [Fact]
    public async Task ListObjects_PrefixDelimiterPaginationAndDeleteObjects()
    {
        await S3.PutBucketAsync("list");
        string[] keys = ["a/1", "a/2", "b/1", "c", "d", "e"];
        foreach (var key in keys)
        {
            await S3.PutObjectAsync(new PutObjectRequest { BucketName = "list", Key = key, ContentBody = key });
        }
        var grouped = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "list", Delimiter = "/" });
        Assert.Equal(["a/", "b/"], grouped.CommonPrefixes);
        Assert.Equal(["c", "d", "e"], grouped.S3Objects.Select(o => o.Key));

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "list", MaxKeys = 4, ContinuationToken = token });
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(keys, seen);

        var v1 = await S3.ListObjectsAsync(new ListObjectsRequest { BucketName = "list", Prefix = "a/", Marker = "a/1" });
        Assert.Equal("a/2", Assert.Single(v1.S3Objects).Key);

        var garbage = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "list", ContinuationToken = "garbage!!" }));
        Assert.Equal("InvalidArgument", garbage.ErrorCode);

        var deleted = await S3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = "list", Objects = [new KeyVersion { Key = "a/1" }, new KeyVersion { Key = "nope" }] });
        Assert.Equal(2, deleted.DeletedObjects.Count);
        var rest = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "list" });
        Assert.Equal(5, rest.KeyCount);
    }

    [Fact]
    public async Task Keys_LimitsAndTraversal_SdkRoundTrip()
    {
        await S3.PutBucketAsync("keys");
        await S3.PutBucketAsync("secret");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "secret", Key = "k", ContentBody = "private" });

        var tooLong = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectAsync(new PutObjectRequest { BucketName = "keys", Key = new string('k', 1025), ContentBody = "x" }));
        Assert.Equal("KeyTooLongError", tooLong.ErrorCode);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "keys", Key = new string('k', 1024), ContentBody = "x" });

        // The SDK sends ".." literally in the path: it is a key inside "keys", never the other bucket.
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "keys", Key = "../secret/k", ContentBody = "mine" });
        using var own = await S3.GetObjectAsync("keys", "../secret/k");
        Assert.Equal("mine", new StreamReader(own.ResponseStream).ReadToEnd());
        using var other = await S3.GetObjectAsync("secret", "k");
        Assert.Equal("private", new StreamReader(other.ResponseStream).ReadToEnd());
    }

    [Fact]
    public async Task Authorization_OtherOwnersBucketAndCopySource_AccessDenied()
    {
        await S3.PutBucketAsync("owned");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "owned", Key = "secret", ContentBody = "s" });
        using var other = Server.Client(S3TestServer.OtherAccessKey, S3TestServer.OtherSecretKey);
        await other.PutBucketAsync("others");

        var read = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => other.GetObjectAsync("owned", "secret"));
        Assert.Equal("AccessDenied", read.ErrorCode);
        var copy = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => other.CopyObjectAsync("owned", "secret", "others", "stolen"));
        Assert.Equal("AccessDenied", copy.ErrorCode);
        Assert.Equal(0, Server.Metadata.ObjectCount("others"));

        var copied = await S3.CopyObjectAsync("owned", "secret", "owned", "copy");
        using var get = await S3.GetObjectAsync("owned", "copy");
        Assert.Equal("s", new StreamReader(get.ResponseStream).ReadToEnd());
    }

    [Fact]
    public async Task Unauthenticated_Request_Is403XmlWithRequestId()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUri };
        var response = await http.GetAsync(new Uri("/some-bucket/key", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-amz-request-id"));
        Assert.Single(response.Headers.GetValues("x-amz-id-2"));
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("AccessDenied", xml.Root!.Element("Code")!.Value);
        Assert.Equal(requestId, xml.Root.Element("RequestId")!.Value);
    }

    [Fact]
    public async Task FrontendAdmin_GetStatus_CountsOperations()
    {
        await S3.PutBucketAsync("stats");
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync("stats", "missing"));
        var admin = new Cairn.Frontend.Grpc.FrontendAdminService(Server.Services.GetService(typeof(Cairn.Frontend.Telemetry.FrontendMetrics)) as Cairn.Frontend.Telemetry.FrontendMetrics ?? throw new InvalidOperationException());
        var status = await admin.GetStatus(new Cairn.Frontend.V1.GetStatusRequest(), null!);
        Assert.Equal(1UL, status.Operations.Single(o => o.Operation == "CreateBucket").Requests);
        Assert.Equal(1UL, status.Operations.Single(o => o.Operation == "GetObject").Errors);
    }
}
