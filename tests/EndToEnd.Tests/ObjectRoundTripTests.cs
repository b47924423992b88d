using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Cairn.EndToEnd.Tests;

/// <summary>The walking skeleton through the AWS SDK for .NET 4.x with default settings (trailing checksums included).</summary>
[Collection(StackCollection.Name)]
public sealed class ObjectRoundTripTests(StackFixture stack)
{
    [Fact]
    public async Task Buckets_CreateListHeadDelete_WithAwsSdk()
    {
        using var s3 = stack.Client();
        var bucket = "rt-buckets-" + Guid.NewGuid().ToString("N")[..8];

        await s3.PutBucketAsync(bucket);
        var list = await s3.ListBucketsAsync();
        Assert.Contains(list.Buckets, b => b.BucketName == bucket);

        var dup = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(bucket));
        Assert.Equal("BucketAlreadyOwnedByYou", dup.ErrorCode);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);

        await s3.DeleteObjectAsync(bucket, "x");
        await s3.DeleteBucketAsync(bucket);
        var after = await s3.ListBucketsAsync();
        Assert.DoesNotContain(after.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1024 * 1024 - 1)]
    [InlineData(1024 * 1024 + 1)]
    [InlineData(5 * 1024 * 1024 + 12345)]
    public async Task Object_PutGetHeadDelete_IsByteIdentical(int size)
    {
        using var s3 = stack.Client();
        var bucket = await NewBucketAsync(s3);
        var data = RandomNumberGenerator.GetBytes(size);

        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "dir/obj",
            InputStream = new MemoryStream(data),
            ContentType = "application/x-test",
        });
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", put.ETag);

        var head = await s3.GetObjectMetadataAsync(bucket, "dir/obj");
        Assert.Equal(size, head.ContentLength);
        Assert.Equal("application/x-test", head.Headers.ContentType);

        using (var get = await s3.GetObjectAsync(bucket, "dir/obj"))
        {
            Assert.Equal(data, await ReadAllAsync(get.ResponseStream));
        }

        await s3.DeleteObjectAsync(bucket, "dir/obj");
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "dir/obj"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("NoSuchKey", gone.ErrorCode);
    }

    [Fact]
    public async Task Object_OverwriteThenGet_SeesNewStateImmediately()
    {
        using var s3 = stack.Client();
        var bucket = await NewBucketAsync(s3);
        for (var i = 0; i < 5; i++)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = $"version {i}" });
            using var get = await s3.GetObjectAsync(bucket, "k");
            using var reader = new StreamReader(get.ResponseStream);
            Assert.Equal($"version {i}", await reader.ReadToEndAsync());
        }
    }

    [Fact]
    public async Task Object_RangeGet_ReturnsExactSlice()
    {
        using var s3 = stack.Client();
        var bucket = await NewBucketAsync(s3);
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) });

        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(1024 * 1024 - 5, 2 * 1024 * 1024 + 5) });
        Assert.Equal(data.AsSpan(1024 * 1024 - 5, 1024 * 1024 + 11).ToArray(), await ReadAllAsync(get.ResponseStream));
    }

    [Fact]
    public async Task ListObjectsV2_WithPrefix_ListsOnlyMatchingKeys()
    {
        using var s3 = stack.Client();
        var bucket = await NewBucketAsync(s3);
        string[] keys = ["a/1", "a/2", "a/sub/3", "b/1", "c"];
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var withPrefix = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "a/" });
        Assert.Equal(["a/1", "a/2", "a/sub/3"], withPrefix.S3Objects.Select(o => o.Key));

        var delimited = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["c"], delimited.S3Objects.Select(o => o.Key));
        Assert.Equal(["a/", "b/"], delimited.CommonPrefixes);

        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2, ContinuationToken = token });
            paged.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(keys, paged);
    }

    [Fact]
    public async Task Auth_WrongSecret_GetsSignatureDoesNotMatch()
    {
        using var s3 = stack.Client(secretKey: "not-the-secret");
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
    }

    [Fact]
    public async Task Auth_UnknownAccessKey_GetsInvalidAccessKeyId()
    {
        using var s3 = stack.Client(accessKey: "NOBODY");
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Equal("InvalidAccessKeyId", e.ErrorCode);
    }

    [Fact]
    public async Task Multipart_UploadThroughTransferUtility_IsByteIdentical()
    {
        using var s3 = stack.Client();
        var bucket = await NewBucketAsync(s3);
        var data = RandomNumberGenerator.GetBytes(12 * 1024 * 1024 + 3);
        var transfer = new Amazon.S3.Transfer.TransferUtility(s3, new Amazon.S3.Transfer.TransferUtilityConfig { MinSizeBeforePartUpload = 5 * 1024 * 1024 });
        await transfer.UploadAsync(new Amazon.S3.Transfer.TransferUtilityUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            InputStream = new MemoryStream(data),
            PartSize = 5 * 1024 * 1024,
        });

        var head = await s3.GetObjectMetadataAsync(bucket, "big");
        Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
        using var get = await s3.GetObjectAsync(bucket, "big");
        Assert.Equal(data, await ReadAllAsync(get.ResponseStream));
    }

    internal static async Task<string> NewBucketAsync(IAmazonS3 s3)
    {
        var bucket = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    internal static async Task<byte[]> ReadAllAsync(Stream s)
    {
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }
}
