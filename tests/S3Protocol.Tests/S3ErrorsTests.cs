namespace Cairn.S3.Protocol.Tests;

public class S3ErrorsTests
{
    public static TheoryData<Func<S3Exception>, string, int> Cases => new()
    {
        { () => S3Errors.AccessDenied(), "AccessDenied", 403 },
        { () => S3Errors.SignatureDoesNotMatch(), "SignatureDoesNotMatch", 403 },
        { () => S3Errors.InvalidAccessKeyId(), "InvalidAccessKeyId", 403 },
        { () => S3Errors.RequestTimeTooSkewed(), "RequestTimeTooSkewed", 403 },
        { () => S3Errors.AuthorizationHeaderMalformed("m"), "AuthorizationHeaderMalformed", 400 },
        { () => S3Errors.AuthorizationQueryParametersError("m"), "AuthorizationQueryParametersError", 400 },
        { () => S3Errors.XAmzContentSHA256Mismatch(), "XAmzContentSHA256Mismatch", 400 },
        { () => S3Errors.BadDigest(), "BadDigest", 400 },
        { () => S3Errors.InvalidDigest(), "InvalidDigest", 400 },
        { () => S3Errors.IncompleteBody(), "IncompleteBody", 400 },
        { () => S3Errors.MissingContentLength(), "MissingContentLength", 411 },
        { () => S3Errors.NoSuchBucket("b"), "NoSuchBucket", 404 },
        { () => S3Errors.NoSuchKey("k"), "NoSuchKey", 404 },
        { () => S3Errors.BucketNotEmpty("b"), "BucketNotEmpty", 409 },
        { () => S3Errors.InvalidRange(), "InvalidRange", 416 },
        { () => S3Errors.PreconditionFailed(), "PreconditionFailed", 412 },
        { () => S3Errors.NotModified(), "NotModified", 304 },
        { () => S3Errors.MethodNotAllowed(), "MethodNotAllowed", 405 },
        { () => S3Errors.NotImplemented(), "NotImplemented", 501 },
        { () => S3Errors.InternalError(), "InternalError", 500 },
        { () => S3Errors.SlowDown(), "SlowDown", 503 },
        { () => S3Errors.KeyTooLongError(), "KeyTooLongError", 400 },
        { () => S3Errors.RequestHeaderSectionTooLarge(), "RequestHeaderSectionTooLarge", 400 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void S3Errors_Factory_CodeAndStatus(Func<S3Exception> make, string code, int status)
    {
        var e = make();
        Assert.Equal(code, e.Code);
        Assert.Equal(status, e.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void S3Errors_Factory_ExtraElements()
    {
        Assert.Equal("k/1", S3Errors.NoSuchKey("k/1").Extra["Key"]);
        Assert.Equal("b", S3Errors.NoSuchBucket("b").Extra["BucketName"]);
        Assert.Equal("max-keys", S3Errors.InvalidArgument("bad", "max-keys").Extra["ArgumentName"]);
    }
}
