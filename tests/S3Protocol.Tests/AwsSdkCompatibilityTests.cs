using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Http;
using ChecksumAlgorithm = Cairn.S3.Protocol.ChecksumAlgorithm;
using SdkChecksum = Amazon.S3.ChecksumAlgorithm;

namespace Cairn.S3.Protocol.Tests;

/// <summary>
/// The real AWS SDK for .NET signs requests and they are fed, in process and without sockets, to the
/// authenticator and payload reader: what the SDK actually sends (chunked signing, trailers, encodings)
/// must verify byte for byte.
/// </summary>
public class AwsSdkCompatibilityTests
{
    private const string Endpoint = "http://s3.cairn.test:9000";

    private static (AmazonS3Client Client, VerifyingHandler Handler) Client(Action<AmazonS3Config>? configure = null)
    {
        var handler = new VerifyingHandler(new SigV4Authenticator(
            new CredentialStore([new(S3RequestSigner.AccessKey, S3RequestSigner.Secret)]), TimeProvider.System));
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new HandlerFactory(handler),
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return (new AmazonS3Client(new BasicAWSCredentials(S3RequestSigner.AccessKey, S3RequestSigner.Secret), config), handler);
    }

    [Theory]
    [InlineData("plain.txt", 0)]
    [InlineData("dir/with space/ü€+=&.bin", 1)]
    [InlineData("big.bin", 200_000)]
    public async Task AwsSdk_PutObject_VerifiesAndDecodes(string key, int size)
    {
        var (client, handler) = Client();
        var data = Enumerable.Range(0, size).Select(i => (byte)(i * 13)).ToArray();

        await client.PutObjectAsync(new PutObjectRequest { BucketName = "bucket", Key = key, InputStream = new MemoryStream(data) });

        Assert.Null(handler.Failure);
        Assert.Equal(data, handler.Body);
        Assert.Equal(size == 0 ? PayloadMode.Sha256 : PayloadMode.StreamingSignedTrailer, handler.Mode);
    }

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    [InlineData("CRC64NVME")]
    public async Task AwsSdk_PutObject_ChecksumTrailerMatchesOurs(string sdkAlgorithm)
    {
        var (client, handler) = Client();
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("checksum me ", 5000)));

        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bucket",
            Key = "k",
            InputStream = new MemoryStream(data),
            ChecksumAlgorithm = SdkChecksum.FindValue(sdkAlgorithm),
        });

        Assert.Null(handler.Failure);
        Assert.Equal(data, handler.Body);
        Assert.Equal(PayloadMode.StreamingSignedTrailer, handler.Mode);
        Assert.True(S3Checksums.TryParseAlgorithm(sdkAlgorithm, out var alg));
        var claimed = handler.Trailers.TryGetValue(S3Checksums.HeaderName(alg), out var t) ? t : handler.Headers[S3Checksums.HeaderName(alg)].ToString();
        using var calc = ChecksumCalculator.Create(alg);
        calc.Append(data);
        Assert.Equal(calc.GetBase64(), claimed);
    }

    [Fact]
    public async Task AwsSdk_PutObject_UnsignedTrailerVerifies()
    {
        // The SDK only skips payload signing over HTTPS; the in-process handler never opens a socket anyway.
        var (client, handler) = Client(c => c.ServiceURL = "https://s3.cairn.test:9443");
        var data = Encoding.ASCII.GetBytes("unsigned body");

        await client.PutObjectAsync(new PutObjectRequest { BucketName = "bucket", Key = "k", InputStream = new MemoryStream(data), DisablePayloadSigning = true });

        Assert.Null(handler.Failure);
        Assert.Equal(data, handler.Body);
        Assert.Equal(PayloadMode.StreamingUnsignedTrailer, handler.Mode);
        Assert.True(handler.Trailers.ContainsKey("x-amz-checksum-crc32"));
    }

    [Fact]
    public async Task AwsSdk_ListObjectsV2_QueryParametersVerify()
    {
        var (client, handler) = Client();

        await client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = "bucket",
            Prefix = "a b/ü+",
            Delimiter = "/",
            StartAfter = "x=y&z",
            MaxKeys = 10,
        });

        Assert.Null(handler.Failure);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task AwsSdk_GetPreSignedUrl_Verifies()
    {
        var (client, _) = Client();
        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "bucket",
            Key = "dir/ü space.txt",
            Verb = HttpVerb.GET,
            Protocol = Amazon.S3.Protocol.HTTP,
            Expires = DateTime.UtcNow.AddMinutes(5),
        });
        var uri = new Uri(url);
        var request = S3RequestSigner.NewRequest("GET", uri.AbsolutePath == "/" ? "/" : uri.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped),
            uri.Query.TrimStart('?'), null);
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : uri.Authority;

        var ctx = new SigV4Authenticator(new CredentialStore([new(S3RequestSigner.AccessKey, S3RequestSigner.Secret)]), TimeProvider.System).Authenticate(request);

        Assert.True(ctx.Presigned);
    }

    private sealed class HandlerFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }

    /// <summary>Turns each outgoing HttpRequestMessage into an ASP.NET HttpRequest and verifies it.</summary>
    private sealed class VerifyingHandler(SigV4Authenticator authenticator) : HttpMessageHandler
    {
        public S3Exception? Failure { get; private set; }

        public byte[]? Body { get; private set; }

        public IReadOnlyDictionary<string, string> Trailers { get; private set; } = new Dictionary<string, string>();

        public IHeaderDictionary Headers { get; private set; } = new HeaderDictionary();

        public int Requests { get; private set; }

        public PayloadMode? Mode { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
        {
            Requests++;
            var raw = message.Content is null ? [] : await message.Content.ReadAsByteArrayAsync(cancellationToken);
            var uri = message.RequestUri!;
            var request = S3RequestSigner.NewRequest(message.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), raw);
            request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = uri.PathAndQuery;
            request.Headers.Host = uri.IsDefaultPort ? uri.Host : uri.Authority;
            var headers = message.Headers.AsEnumerable();
            if (message.Content is not null)
            {
                headers = headers.Concat(message.Content.Headers);
            }

            foreach (var (name, values) in headers)
            {
                request.Headers[name] = values.ToArray();
            }

            if (request.Headers.ContentLength is null)
            {
                // HttpClient would send Transfer-Encoding: chunked; Kestrel then reports no Content-Length.
                request.ContentLength = null;
            }

            Headers = request.Headers;
            try
            {
                var auth = authenticator.Authenticate(request);
                Mode = auth.Payload;
                await using var payload = S3Payload.Open(request, auth);
                var output = new MemoryStream();
                await payload.CopyToAsync(output, cancellationToken);
                Body = output.ToArray();
                Trailers = payload.Trailers;
            }
            catch (S3Exception e)
            {
                Failure = e;
                return new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent($"<Error><Code>{e.Code}</Code><Message>{e.Message}</Message></Error>") };
            }

            var ok = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            ok.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"d41d8cd98f00b204e9800998ecf8427e\"");
            return ok;
        }
    }
}
