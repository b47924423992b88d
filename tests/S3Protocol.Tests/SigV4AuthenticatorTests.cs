using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol.Tests;

public class SigV4AuthenticatorTests
{
    private static readonly DateTimeOffset AwsExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private const string AwsGetSignature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    private static SigV4Authenticator Authenticator(DateTimeOffset now) =>
        new(new CredentialStore([new(S3RequestSigner.AccessKey, S3RequestSigner.Secret)]), new FixedTime(now));

    /// <summary>AWS's documented "GET /test.txt" example, built by hand from the docs, not by our signer.</summary>
    private static HttpRequest AwsGetExample(string signature)
    {
        var request = S3RequestSigner.NewRequest("GET", "/test.txt", "", null);
        request.Headers.Host = "examplebucket.s3.amazonaws.com";
        request.Headers.Range = "bytes=0-9";
        request.Headers["x-amz-content-sha256"] = S3RequestSigner.EmptySha256;
        request.Headers["x-amz-date"] = "20130524T000000Z";
        request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=" + signature;
        return request;
    }

    private static S3Exception Refused(SigV4Authenticator auth, HttpRequest request) =>
        Assert.Throws<S3Exception>(() => auth.Authenticate(request));

    [Fact]
    public void SigV4Authenticator_Authenticate_AwsGetObjectExampleVector()
    {
        var ctx = Authenticator(AwsExampleTime).Authenticate(AwsGetExample(AwsGetSignature));

        Assert.Equal(S3RequestSigner.AccessKey, ctx.AccessKey);
        Assert.Equal(PayloadMode.Sha256, ctx.Payload);
        Assert.Equal(S3RequestSigner.EmptySha256, ctx.PayloadSha256Hex);
        Assert.Equal("20130524/us-east-1/s3/aws4_request", ctx.Scope);
        Assert.Equal(AwsGetSignature, ctx.SeedSignature);
        Assert.False(ctx.Presigned);
    }

    [Fact]
    public void S3RequestSigner_Sign_ReproducesAwsGetObjectExampleVector()
    {
        var signer = new S3RequestSigner();
        signer.Sign("GET", "/test.txt", "", [("Range", "bytes=0-9")], AwsExampleTime, S3RequestSigner.EmptySha256);

        Assert.Equal(AwsGetSignature, signer.LastSignature);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_EveryFlippedHexCharRefused()
    {
        var auth = Authenticator(AwsExampleTime);
        for (var i = 0; i < AwsGetSignature.Length; i++)
        {
            var chars = AwsGetSignature.ToCharArray();
            chars[i] = chars[i] == 'a' ? 'b' : 'a';
            var e = Refused(auth, AwsGetExample(new string(chars)));
            Assert.Equal("SignatureDoesNotMatch", e.Code);
            Assert.Equal(403, e.StatusCode);
        }
    }

    [Theory]
    [InlineData(-14)]
    [InlineData(14)]
    public void SigV4Authenticator_Authenticate_SkewWithinFifteenMinutesAccepted(int minutes)
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Sign("GET", "/b/k", "", [], now.AddMinutes(minutes), S3RequestSigner.EmptySha256);

        Assert.Equal(S3RequestSigner.AccessKey, Authenticator(now).Authenticate(request).AccessKey);
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(16)]
    public void SigV4Authenticator_Authenticate_SkewBeyondFifteenMinutesRefused(int minutes)
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Sign("GET", "/b/k", "", [], now.AddMinutes(minutes), S3RequestSigner.EmptySha256);

        var e = Refused(Authenticator(now), request);
        Assert.Equal("RequestTimeTooSkewed", e.Code);
        Assert.Equal(403, e.StatusCode);
        Assert.Equal("900000", e.Extra["MaxAllowedSkewMilliseconds"]);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_QueryAndEscapedPathCanonicalised()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Sign("GET", "/bucket/dir%2Fa%20b/%E2%82%AC.txt",
            "prefix=a%20b&list-type=2&delimiter=%2F&uploads", [("x-amz-meta-x", "  two   spaces ")], now, S3RequestSigner.EmptySha256);

        Assert.Equal(S3RequestSigner.AccessKey, Authenticator(now).Authenticate(request).AccessKey);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_ChangedPathRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Sign("GET", "/bucket-a/k", "", [], now, S3RequestSigner.EmptySha256);
        request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = "/bucket-b/k";

        Assert.Equal("SignatureDoesNotMatch", Refused(Authenticator(now), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_UnknownAccessKeyRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner { AccessKeyId = "NOBODY" }.Sign("GET", "/b/k", "", [], now, S3RequestSigner.EmptySha256);

        var e = Refused(Authenticator(now), request);
        Assert.Equal("InvalidAccessKeyId", e.Code);
        Assert.Equal(403, e.StatusCode);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_NoAuthenticationIsAccessDenied()
    {
        var request = S3RequestSigner.NewRequest("GET", "/b/k", "", null);

        var e = Refused(Authenticator(AwsExampleTime), request);
        Assert.Equal("AccessDenied", e.Code);
        Assert.Equal(403, e.StatusCode);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_SignatureV2HeaderRefused()
    {
        var request = S3RequestSigner.NewRequest("GET", "/b/k", "", null);
        request.Headers.Authorization = "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=";

        Assert.Equal("InvalidRequest", Refused(Authenticator(AwsExampleTime), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_SignatureV2PresignRefused()
    {
        var request = S3RequestSigner.NewRequest("GET", "/minio/admin/v3/info", "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1700000000&Signature=abc%3D", null);

        var e = Refused(Authenticator(AwsExampleTime), request);
        Assert.Equal("AccessDenied", e.Code);
        Assert.Equal(403, e.StatusCode);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3,SignedHeaders=host,Signature=" + AwsGetSignature)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/ec2/aws4_request,SignedHeaders=host,Signature=" + AwsGetSignature)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=xyz")]
    [InlineData("AWS4-HMAC-SHA256 garbage")]
    [InlineData("Bearer token")]
    public void SigV4Authenticator_Authenticate_MalformedHeaderRefused(string header)
    {
        var request = AwsGetExample(AwsGetSignature);
        request.Headers.Authorization = header;

        var e = Refused(Authenticator(AwsExampleTime), request);
        Assert.Equal("AuthorizationHeaderMalformed", e.Code);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_CredentialDateMustMatchRequestDate()
    {
        var request = AwsGetExample(AwsGetSignature);
        request.Headers["x-amz-date"] = "20130525T000000Z";

        Assert.Equal("AuthorizationHeaderMalformed", Refused(Authenticator(AwsExampleTime.AddDays(1)), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_ValidPresignedAccepted()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Presign("GET", "/bucket/key.txt", now.AddMinutes(-5), "3600");

        var ctx = Authenticator(now).Authenticate(request);
        Assert.True(ctx.Presigned);
        Assert.Equal(PayloadMode.Unsigned, ctx.Payload);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_ExpiredPresignedRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Presign("GET", "/bucket/key.txt", now.AddSeconds(-3601), "3600");

        var e = Refused(Authenticator(now), request);
        Assert.Equal("AccessDenied", e.Code);
        Assert.Equal(403, e.StatusCode);
        Assert.Equal("Request has expired", e.Message);
    }

    [Theory]
    [InlineData("604801")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    public void SigV4Authenticator_Authenticate_BadPresignedExpiresRefused(string expires)
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Presign("GET", "/bucket/key.txt", now, expires);

        var e = Refused(Authenticator(now), request);
        Assert.Equal("AuthorizationQueryParametersError", e.Code);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_MaxPresignedExpiresAccepted()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Presign("GET", "/bucket/key.txt", now.AddDays(-6), "604800");

        Assert.True(Authenticator(now).Authenticate(request).Presigned);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_PresignedFlippedSignatureRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var signer = new S3RequestSigner();
        signer.Presign("GET", "/bucket/key.txt", now, "60");
        var sig = signer.LastSignature!;
        var forged = (sig[0] == '0' ? '1' : '0') + sig[1..];
        var request = signer.Presign("GET", "/bucket/key.txt", now, "60");
        var rawTarget = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!;
        rawTarget.RawTarget = rawTarget.RawTarget.Replace(sig, forged, StringComparison.Ordinal);
        request.QueryString = new QueryString(request.QueryString.Value!.Replace(sig, forged, StringComparison.Ordinal));

        Assert.Equal("SignatureDoesNotMatch", Refused(Authenticator(now), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_PresignedAndHeaderTogetherRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = new S3RequestSigner().Presign("GET", "/bucket/key.txt", now, "60");
        request.Headers.Authorization = AwsGetExample(AwsGetSignature).Headers.Authorization;

        Assert.Equal("InvalidArgument", Refused(Authenticator(now), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_UnsignedTrailerWithForgedSignatureRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var signer = new S3RequestSigner();
        var request = signer.Sign("PUT", "/bucket/key", "", [("content-encoding", "aws-chunked"), ("x-amz-trailer", "x-amz-checksum-crc32")],
            now, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", body: Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"));
        var sig = signer.LastSignature!;
        request.Headers.Authorization = request.Headers.Authorization.ToString().Replace(sig, new string('0', 64), StringComparison.Ordinal);

        Assert.Equal("SignatureDoesNotMatch", Refused(Authenticator(now), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_UnsignedTrailerWithQueryCredentialsOnlyRefused()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var request = S3RequestSigner.NewRequest("PUT", "/bucket/key",
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261123%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20261123T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=" + new string('f', 64),
            Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\n\r\n"));
        request.Headers.Host = "examplebucket.s3.amazonaws.com";
        request.Headers["x-amz-content-sha256"] = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
        request.Headers["content-encoding"] = "aws-chunked";

        var e = Refused(Authenticator(now), request);
        Assert.Equal("SignatureDoesNotMatch", e.Code);
        Assert.Equal(0, request.Body.Position);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_MissingContentSha256Refused()
    {
        var request = AwsGetExample(AwsGetSignature);
        request.Headers.Remove("x-amz-content-sha256");

        Assert.Equal("InvalidRequest", Refused(Authenticator(AwsExampleTime), request).Code);
    }

    [Fact]
    public void SigV4Authenticator_Authenticate_DateHeaderInsteadOfAmzDate()
    {
        // Some clients sign the RFC 1123 Date header; the string to sign then uses its ISO 8601 form.
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var signer = new S3RequestSigner();
        var reference = signer.Sign("GET", "/b/k", "", [], now, S3RequestSigner.EmptySha256);
        var request = S3RequestSigner.NewRequest("GET", "/b/k", "", null);
        request.Headers.Host = reference.Headers.Host;
        request.Headers["x-amz-content-sha256"] = S3RequestSigner.EmptySha256;
        request.Headers.Date = now.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        var canonical = $"GET\n/b/k\n\ndate:{request.Headers.Date}\nhost:{request.Headers.Host}\nx-amz-content-sha256:{S3RequestSigner.EmptySha256}\n\ndate;host;x-amz-content-sha256\n{S3RequestSigner.EmptySha256}";
        var sts = $"AWS4-HMAC-SHA256\n20261123T120000Z\n20261123/us-east-1/s3/aws4_request\n{S3RequestSigner.Sha256Hex(Encoding.UTF8.GetBytes(canonical))}";
        var sig = S3RequestSigner.Hex(System.Security.Cryptography.HMACSHA256.HashData(signer.SigningKey("20261123"), Encoding.UTF8.GetBytes(sts)));
        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={S3RequestSigner.AccessKey}/20261123/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256, Signature={sig}";

        Assert.Equal(now, Authenticator(now).Authenticate(request).RequestTime);
    }
}
