using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Frontend.Tests.Fakes;

namespace Frontend.Tests;

/// <summary>Bodies altered after signing (as a faulty network or a hostile proxy would): nothing is committed.</summary>
public sealed class PayloadIntegrityTests : IAsyncLifetime
{
    private S3TestServer _server = null!;

    public async Task InitializeAsync() => _server = await S3TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AmazonS3Client Client(TamperingHttpClientFactory factory) =>
        new(new BasicAWSCredentials(S3TestServer.AccessKey, S3TestServer.SecretKey), new AmazonS3Config
        {
            ServiceURL = _server.BaseUri.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            HttpClientFactory = factory,
        });

    private static byte[] ReplaceTrailerValue(byte[] body)
    {
        var text = Encoding.Latin1.GetString(body);
        var at = text.IndexOf("x-amz-checksum-crc32:", StringComparison.Ordinal);
        Assert.True(at >= 0, "the SDK sent no CRC32 trailer");
        var start = at + "x-amz-checksum-crc32:".Length;
        var end = text.IndexOf('\r', start);
        return Encoding.Latin1.GetBytes(text[..start] + "AAAAAA==" + text[end..]);
    }

    [Theory]
    [InlineData(false, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "SignatureDoesNotMatch", HttpStatusCode.Forbidden)]
    public async Task PutObject_TamperedSignedTrailer_RefusedAndOldVersionIntact(bool unsignedPayload, string mode, string code, HttpStatusCode status)
    {
        using var honest = _server.Client();
        await honest.PutBucketAsync("trail");
        await honest.PutObjectAsync(new PutObjectRequest { BucketName = "trail", Key = "k", ContentBody = "original" });
        var committedBefore = _server.Cluster.Committed;

        var factory = new TamperingHttpClientFactory(ReplaceTrailerValue);
        using var s3 = Client(factory);
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "trail",
            Key = "k",
            InputStream = new MemoryStream(new byte[300_000]),
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
            DisablePayloadSigning = unsignedPayload,
        }));

        // A signed trailer fails its signature; an unsigned one fails the checksum comparison.
        Assert.Equal(mode, factory.PayloadModes.Last());
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(committedBefore, _server.Cluster.Committed);
        using var still = await honest.GetObjectAsync("trail", "k");
        Assert.Equal("original", await new StreamReader(still.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task PutObject_BodyFlippedAfterSigning_RefusedAndNothingCommitted()
    {
        using var honest = _server.Client();
        await honest.PutBucketAsync("flip");
        var committedBefore = _server.Cluster.Committed;

        // Flip one byte of the payload (well inside the first chunk's data).
        var factory = new TamperingHttpClientFactory(body =>
        {
            body[body.Length / 2] ^= 0x01;
            return body;
        });
        using var s3 = Client(factory);
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "flip",
            Key = "k",
            InputStream = new MemoryStream(new byte[200_000]),
        }));

        // Over plain HTTP the SDK signs every chunk: the flipped chunk fails its signature.
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Equal(committedBefore, _server.Cluster.Committed);
        Assert.Equal(0, _server.Metadata.ObjectCount("flip"));
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK, null)]
    [InlineData(false, HttpStatusCode.BadRequest, "BadDigest")]
    public async Task PutObject_UnsignedTrailerChecksum_VerifiedBeforeCommit(bool honestTrailer, HttpStatusCode status, string? code)
    {
        using var s3 = _server.Client();
        await s3.PutBucketAsync("utrail");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "utrail", Key = "k", ContentBody = "original" });
        var committedBefore = _server.Cluster.Committed;

        var data = new byte[100_000];
        new Random(3).NextBytes(data);
        using var crc = Cairn.S3.Protocol.ChecksumCalculator.Create(Cairn.S3.Protocol.ChecksumAlgorithm.Crc32);
        crc.Append(data);
        var trailer = honestTrailer ? crc.GetBase64() : "AAAAAA==";
        var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"));
        body.Write(data);
        body.Write(Encoding.ASCII.GetBytes($"\r\n0\r\nx-amz-checksum-crc32:{trailer}\r\n\r\n"));

        // STREAMING-UNSIGNED-PAYLOAD-TRAILER as awscli sends it over HTTPS (the SDK refuses it over HTTP, so it
        // is built by hand here): the signature covers the headers, the trailer checksum protects the body.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_server.BaseUri, "/utrail/k")) { Content = new ByteArrayContent(body.ToArray()) };
        TestSigner.Sign(request, S3TestServer.AccessKey, S3TestServer.SecretKey, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        request.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-amz-trailer", "x-amz-checksum-crc32");
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", "aws-chunked");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(status == response.StatusCode, text);
        if (code is null)
        {
            using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "utrail", Key = "k", ChecksumMode = ChecksumMode.ENABLED });
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.Equal(data, copy.ToArray());
            Assert.Equal(crc.GetBase64(), get.ChecksumCRC32);
            return;
        }
        Assert.Contains($"<Code>{code}</Code>", text, StringComparison.Ordinal);
        Assert.Equal(committedBefore, _server.Cluster.Committed);
        using var still = await s3.GetObjectAsync("utrail", "k");
        Assert.Equal("original", await new StreamReader(still.ResponseStream).ReadToEndAsync());
    }
}
