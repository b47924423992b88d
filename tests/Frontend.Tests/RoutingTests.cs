using Cairn.Frontend.Routing;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Frontend.Tests;

public class RoutingTests
{
    private static S3Route Route(string method, string target, string? host = null, string? domain = null, bool copy = false)
    {
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var query = new QueryCollection(q >= 0 ? QueryHelpers.ParseQuery(target[q..]) : []);
        return new S3Router(domain).Route(method, host, target, query, copy);
    }

    [Theory]
    [InlineData("GET", "/", S3Operation.ListBuckets)]
    [InlineData("PUT", "/bucket", S3Operation.CreateBucket)]
    [InlineData("DELETE", "/bucket", S3Operation.DeleteBucket)]
    [InlineData("HEAD", "/bucket/", S3Operation.HeadBucket)]
    [InlineData("GET", "/bucket?location", S3Operation.GetBucketLocation)]
    [InlineData("GET", "/bucket?list-type=2&prefix=a", S3Operation.ListObjectsV2)]
    [InlineData("GET", "/bucket?prefix=a", S3Operation.ListObjects)]
    [InlineData("GET", "/bucket?uploads", S3Operation.ListMultipartUploads)]
    [InlineData("POST", "/bucket?delete", S3Operation.DeleteObjects)]
    [InlineData("GET", "/bucket?versioning", S3Operation.GetBucketVersioning)]
    [InlineData("GET", "/bucket?policy", S3Operation.NotImplemented)]
    [InlineData("PUT", "/bucket/key", S3Operation.PutObject)]
    [InlineData("GET", "/bucket/key", S3Operation.GetObject)]
    [InlineData("HEAD", "/bucket/key", S3Operation.HeadObject)]
    [InlineData("DELETE", "/bucket/key", S3Operation.DeleteObject)]
    [InlineData("POST", "/bucket/key?uploads", S3Operation.CreateMultipartUpload)]
    [InlineData("PUT", "/bucket/key?partNumber=1&uploadId=u", S3Operation.UploadPart)]
    [InlineData("POST", "/bucket/key?uploadId=u", S3Operation.CompleteMultipartUpload)]
    [InlineData("DELETE", "/bucket/key?uploadId=u", S3Operation.AbortMultipartUpload)]
    [InlineData("GET", "/bucket/key?uploadId=u", S3Operation.ListParts)]
    [InlineData("GET", "/bucket/key?acl", S3Operation.NotImplemented)]
    [InlineData("GET", "/bucket?versions", S3Operation.ListObjectVersions)]
    [InlineData("GET", "/bucket?versions&prefix=a&key-marker=k", S3Operation.ListObjectVersions)]
    [InlineData("GET", "/bucket?tagging", S3Operation.NotImplemented)]
    [InlineData("GET", "/bucket/key?tagging", S3Operation.GetObjectTagging)]
    [InlineData("PUT", "/bucket/key?tagging&versionId=v", S3Operation.PutObjectTagging)]
    [InlineData("DELETE", "/bucket/key?tagging", S3Operation.DeleteObjectTagging)]
    [InlineData("POST", "/bucket/key?tagging", S3Operation.NotImplemented)]
    public void S3Router_Route_PathStyleTable(string method, string target, S3Operation expected)
    {
        Assert.Equal(expected, Route(method, target).Operation);
    }

    [Fact]
    public void S3Router_Route_CopySourceMakesCopyObjectOrUploadPartCopy()
    {
        Assert.Equal(S3Operation.CopyObject, Route("PUT", "/bucket/key", copy: true).Operation);
        Assert.Equal(S3Operation.UploadPartCopy, Route("PUT", "/bucket/key?partNumber=1&uploadId=u", copy: true).Operation);
        Assert.Equal(S3Operation.NotImplemented, Route("POST", "/bucket/key?uploads", copy: true).Operation);
    }

    [Fact]
    public void S3Router_Route_VirtualHostedStyle()
    {
        var route = Route("GET", "/photos/2024/a%20b.jpg", host: "my-bucket.s3.localhost:9000", domain: "s3.localhost");
        Assert.Equal(S3Operation.GetObject, route.Operation);
        Assert.Equal("my-bucket", route.Bucket);
        Assert.Equal("photos/2024/a b.jpg", route.Key);

        var bucketOnly = Route("GET", "/?list-type=2", host: "my-bucket.s3.localhost", domain: "s3.localhost");
        Assert.Equal(S3Operation.ListObjectsV2, bucketOnly.Operation);
        Assert.Equal("my-bucket", bucketOnly.Bucket);
    }

    [Theory]
    [InlineData("/bucket-a/../bucket-b/k", "bucket-a", "../bucket-b/k")]
    [InlineData("/bucket-a/%2e%2e%2fbucket-b%2fsecret", "bucket-a", "../bucket-b/secret")]
    [InlineData("/bucket-a/a//b/./c", "bucket-a", "a//b/./c")]
    [InlineData("/bucket-a/%25", "bucket-a", "%")]
    [InlineData("/bucket-a/a+b", "bucket-a", "a+b")]
    public void S3Router_Route_TraversalStaysAnOpaqueKeyInTheNamedBucket(string target, string bucket, string key)
    {
        var route = Route("GET", target);
        Assert.Equal(bucket, route.Bucket);
        Assert.Equal(key, route.Key);
    }

    [Fact]
    public void ObjectKeyDecoder_DecodeKey_LengthLimitInBytes()
    {
        Assert.Equal(1024, ObjectKeyDecoder.DecodeKey(new string('k', 1024)).Length);
        var tooLong = Assert.Throws<S3Exception>(() => ObjectKeyDecoder.DecodeKey(new string('k', 1025)));
        Assert.Equal("KeyTooLongError", tooLong.Code);
        Assert.Equal(400, tooLong.StatusCode);
        // 342 three-byte characters = 1026 bytes, although only 342 chars.
        var multiByte = string.Concat(Enumerable.Repeat("%E2%82%AC", 342));
        Assert.Equal("KeyTooLongError", Assert.Throws<S3Exception>(() => ObjectKeyDecoder.DecodeKey(multiByte)).Code);
    }

    [Theory]
    [InlineData("bad%C3%28utf8", "InvalidURI")]
    [InlineData("half%E2%82", "InvalidURI")]
    [InlineData("bad%zzescape", "InvalidURI")]
    [InlineData("trailing%2", "InvalidURI")]
    [InlineData("nul%00byte", "InvalidArgument")]
    public void ObjectKeyDecoder_DecodeKey_RefusesBadEncoding(string raw, string code)
    {
        var e = Assert.Throws<S3Exception>(() => ObjectKeyDecoder.DecodeKey(raw));
        Assert.Equal(code, e.Code);
        Assert.Equal(400, e.StatusCode);
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("my-bucket.logs", true)]
    [InlineData("ab", false)]
    [InlineData("UPPER", false)]
    [InlineData("-start", false)]
    [InlineData("end-", false)]
    [InlineData("a..b", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("under_score", false)]
    public void BucketNames_IsValid_Rules(string name, bool valid)
    {
        Assert.Equal(valid, BucketNames.IsValid(name));
    }
}

public class CopySourceTests
{
    [Theory]
    [InlineData("src/a/b.txt", "src", "a/b.txt", null)]
    [InlineData("/src/a%20b", "src", "a b", null)]
    [InlineData("src%2Fkey", "src", "key", null)]
    [InlineData("bucket-a/../bucket-b/secret", "bucket-a", "../bucket-b/secret", null)]
    [InlineData("src/k?versionId=v1", "src", "k", "v1")]
    public void CopyObject_ParseSource_KeyStaysInTheNamedBucket(string header, string bucket, string key, string? version)
    {
        Assert.Equal((bucket, key, version), Cairn.Frontend.Operations.CopyObject.ParseSource(header));
    }

    [Theory]
    [InlineData("nokey")]
    [InlineData("src/")]
    [InlineData("Bad_Bucket/k")]
    public void CopyObject_ParseSource_RefusesMalformed(string header)
    {
        Assert.Equal("InvalidArgument", Assert.Throws<S3Exception>(() => Cairn.Frontend.Operations.CopyObject.ParseSource(header)).Code);
    }
}
