using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol.Tests;

public class PresignedUrlTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static HttpRequest FromUrl(string method, string url)
    {
        var uri = new Uri(url);
        var request = S3RequestSigner.NewRequest(method, uri.AbsolutePath == "/" ? "/" : url[(url.IndexOf('/', 8))..url.IndexOf('?', StringComparison.Ordinal)], uri.Query.TrimStart('?'), null);
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : uri.Authority;
        return request;
    }

    private static SigV4Authenticator Authenticator(DateTimeOffset now) =>
        new(new CredentialStore([new("ak", "sk")]), new FixedTime(now));

    [Theory]
    [InlineData("key.txt")]
    [InlineData("dir/sub dir/ü€ (1)+=&?.txt")]
    public void PresignedUrl_Create_VerifiesRoundTrip(string key)
    {
        var url = PresignedUrl.Create("GET", new Uri("http://127.0.0.1:9000"), "my-bucket", key, "ak", "sk", "us-east-1", Now, TimeSpan.FromMinutes(10));

        var ctx = Authenticator(Now.AddMinutes(5)).Authenticate(FromUrl("GET", url));

        Assert.True(ctx.Presigned);
        Assert.Equal("ak", ctx.AccessKey);
        Assert.Equal(PayloadMode.Unsigned, ctx.Payload);
    }

    [Fact]
    public void PresignedUrl_Create_ExpiresAfterLifetime()
    {
        var url = PresignedUrl.Create("GET", new Uri("http://127.0.0.1:9000/"), "b", "k", "ak", "sk", "us-east-1", Now, TimeSpan.FromMinutes(10));

        var e = Assert.Throws<S3Exception>(() => Authenticator(Now.AddMinutes(10).AddSeconds(1)).Authenticate(FromUrl("GET", url)));
        Assert.Equal("Request has expired", e.Message);
    }

    [Fact]
    public void PresignedUrl_Create_OtherMethodRefused()
    {
        var url = PresignedUrl.Create("GET", new Uri("http://127.0.0.1:9000/"), "b", "k", "ak", "sk", "us-east-1", Now, TimeSpan.FromMinutes(10));

        Assert.Equal("SignatureDoesNotMatch", Assert.Throws<S3Exception>(() => Authenticator(Now).Authenticate(FromUrl("PUT", url))).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(604801)]
    public void PresignedUrl_Create_LifetimeOutOfRangeRejected(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            PresignedUrl.Create("GET", new Uri("http://h/"), "b", "k", "ak", "sk", "us-east-1", Now, TimeSpan.FromSeconds(seconds)));
    }
}
