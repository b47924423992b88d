using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol.Tests;

public class S3PayloadTests
{
    private static readonly DateTimeOffset AwsExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private const string AmzDateNow = "20261123T120000Z";
    private const string AwsSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private const string AwsChunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    private const string AwsChunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    private const string AwsChunk3 = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    private static SigV4Authenticator Authenticator(DateTimeOffset now) =>
        new(new CredentialStore([new(S3RequestSigner.AccessKey, S3RequestSigner.Secret)]), new FixedTime(now));

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] AwsExampleBody(string sig1 = AwsChunk1, string sig2 = AwsChunk2, string sig3 = AwsChunk3) => Concat(
        Ascii($"10000;chunk-signature={sig1}\r\n"), Enumerable.Repeat((byte)'a', 65536).ToArray(), Ascii("\r\n"),
        Ascii($"400;chunk-signature={sig2}\r\n"), Enumerable.Repeat((byte)'a', 1024).ToArray(), Ascii("\r\n"),
        Ascii($"0;chunk-signature={sig3}\r\n\r\n"));

    /// <summary>AWS's "PUT Object in chunks" example request, headers exactly as documented.</summary>
    private static HttpRequest AwsChunkedExample(byte[] body)
    {
        var request = S3RequestSigner.NewRequest("PUT", "/examplebucket/chunkObject.txt", "", body);
        request.Headers.Host = "s3.amazonaws.com";
        request.Headers["x-amz-date"] = "20130524T000000Z";
        request.Headers["x-amz-storage-class"] = "REDUCED_REDUNDANCY";
        request.Headers["x-amz-content-sha256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
        request.Headers.ContentEncoding = "aws-chunked";
        request.Headers["x-amz-decoded-content-length"] = "66560";
        request.ContentLength = 66824;
        request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
            + "Signature=" + AwsSeed;
        return request;
    }

    private static async Task<byte[]> ReadAllAsync(Stream s, int bufferSize = 8192)
    {
        var output = new MemoryStream();
        var buf = new byte[bufferSize];
        int n;
        while ((n = await s.ReadAsync(buf)) > 0)
        {
            output.Write(buf, 0, n);
        }

        return output.ToArray();
    }

    private static async Task<S3Exception> FailsAsync(Stream s)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(() => ReadAllAsync(s));
        return e;
    }

    /// <summary>A signed aws-chunked PUT produced by the independent test signer.</summary>
    private static (HttpRequest Request, S3RequestSigner Signer) SignedChunkedPut(PayloadMode mode, long decodedLength, string? trailer = null)
    {
        var signer = new S3RequestSigner();
        var hash = mode switch
        {
            PayloadMode.StreamingSigned => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            PayloadMode.StreamingSignedTrailer => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            _ => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        };
        var headers = new List<(string, string)> { ("content-encoding", "aws-chunked"), ("x-amz-decoded-content-length", decodedLength.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (trailer is not null)
        {
            headers.Add(("x-amz-trailer", trailer));
        }

        return (signer.Sign("PUT", "/bucket/key", "", headers, Now, hash), signer);
    }

    private static void SetBody(HttpRequest request, byte[] body, long? contentLength = null)
    {
        request.Body = new MemoryStream(body);
        request.ContentLength = contentLength ?? body.Length;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(70000)]
    public async Task S3Payload_Open_AwsChunkedExampleVector(int bufferSize)
    {
        var request = AwsChunkedExample(AwsExampleBody());
        var auth = Authenticator(AwsExampleTime).Authenticate(request);
        Assert.Equal(PayloadMode.StreamingSigned, auth.Payload);
        Assert.Equal(AwsSeed, auth.SeedSignature);

        using var payload = S3Payload.Open(request, auth);
        var data = await ReadAllAsync(payload, bufferSize);

        Assert.Equal(66560, payload.DecodedLength);
        Assert.Equal(Enumerable.Repeat((byte)'a', 66560).ToArray(), data);
        Assert.True(payload.Completed);
    }

    [Fact]
    public void S3RequestSigner_ChunkSignature_ReproducesAwsChunkChain()
    {
        var signer = new S3RequestSigner();
        var s1 = signer.ChunkSignature("20130524T000000Z", AwsSeed, Enumerable.Repeat((byte)'a', 65536).ToArray());
        var s2 = signer.ChunkSignature("20130524T000000Z", s1, Enumerable.Repeat((byte)'a', 1024).ToArray());
        var s3 = signer.ChunkSignature("20130524T000000Z", s2, []);

        Assert.Equal([AwsChunk1, AwsChunk2, AwsChunk3], new[] { s1, s2, s3 });
    }

    [Fact]
    public async Task S3Payload_Open_AwsTrailerExampleVector()
    {
        // AWS "trailing headers" example: same credentials and data, seed 106e2a8a..., CRC32C trailer.
        var body = Concat(
            Ascii("10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n"), Enumerable.Repeat((byte)'a', 65536).ToArray(), Ascii("\r\n"),
            Ascii("400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n"), Enumerable.Repeat((byte)'a', 1024).ToArray(), Ascii("\r\n"),
            Ascii("0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n"),
            Ascii("x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n"));
        var request = S3RequestSigner.NewRequest("PUT", "/examplebucket/chunkObject.txt", "", body);
        request.Headers["x-amz-decoded-content-length"] = "66560";
        request.Headers["x-amz-trailer"] = "x-amz-checksum-crc32c";
        var signer = new S3RequestSigner();
        var auth = new AuthContext(S3RequestSigner.AccessKey, PayloadMode.StreamingSignedTrailer, null, false, AwsExampleTime,
            "20130524/us-east-1/s3/aws4_request", signer.SigningKey("20130524"), "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e");

        using var payload = S3Payload.Open(request, auth);
        var data = await ReadAllAsync(payload);

        Assert.Equal(66560, data.Length);
        Assert.Equal("sOO8/Q==", payload.Trailers["x-amz-checksum-crc32c"]);
        using var crc = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32C);
        crc.Append(data);
        Assert.Equal(payload.Trailers["x-amz-checksum-crc32c"], crc.GetBase64());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(65536 + 200)]
    public async Task S3Payload_Open_TamperedChunkDataRefused(int offset)
    {
        var body = AwsExampleBody();
        body[offset] = (byte)'b';
        var request = AwsChunkedExample(body);
        using var payload = S3Payload.Open(request, Authenticator(AwsExampleTime).Authenticate(request));

        var e = await FailsAsync(payload);
        Assert.Equal("SignatureDoesNotMatch", e.Code);
        Assert.Equal(403, e.StatusCode);
    }

    [Fact]
    public async Task S3Payload_Open_EveryChunkSignatureFlipRefused()
    {
        string[] sigs = [AwsChunk1, AwsChunk2, AwsChunk3];
        for (var which = 0; which < 3; which++)
        {
            var forged = sigs.ToArray();
            forged[which] = (forged[which][0] == 'f' ? 'e' : 'f') + forged[which][1..];
            var request = AwsChunkedExample(AwsExampleBody(forged[0], forged[1], forged[2]));
            using var payload = S3Payload.Open(request, Authenticator(AwsExampleTime).Authenticate(request));

            Assert.Equal("SignatureDoesNotMatch", (await FailsAsync(payload)).Code);
        }
    }

    [Fact]
    public async Task S3Payload_Open_FailureIsSticky()
    {
        var request = AwsChunkedExample(AwsExampleBody(sig3: new string('0', 64)));
        using var payload = S3Payload.Open(request, Authenticator(AwsExampleTime).Authenticate(request));

        await FailsAsync(payload);
        await Assert.ThrowsAsync<S3Exception>(async () => _ = await payload.ReadAsync(new byte[10]));
        Assert.False(payload.Completed);
    }

    [Fact]
    public async Task S3Payload_Open_ReorderedChunksRefused()
    {
        var (request, signer) = SignedChunkedPut(PayloadMode.StreamingSigned, 6);
        var seed = signer.LastSignature!;
        var a = AwsChunkedBody.Signed(signer, AmzDateNow, seed, [Ascii("abc"), Ascii("def")]);
        var b = AwsChunkedBody.Signed(signer, AmzDateNow, seed, [Ascii("def"), Ascii("abc")]);
        SetBody(request, b);
        var auth = Authenticator(Now).Authenticate(request);

        // The reordered body is a valid chain from the same seed only if we compare against it, so splice: first chunk of a, rest of b.
        var spliced = Concat(a[..(a.IndexOf((byte)'\n') + 1 + 3 + 2)], b[(b.IndexOf((byte)'\n') + 1 + 3 + 2)..]);
        SetBody(request, spliced);
        request.Headers["x-amz-decoded-content-length"] = "6";
        using var payload = S3Payload.Open(request, auth);

        Assert.Equal("SignatureDoesNotMatch", (await FailsAsync(payload)).Code);
    }

    [Fact]
    public async Task S3Payload_Open_SignedChunksRoundTrip()
    {
        var data = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31)).ToArray();
        var (request, signer) = SignedChunkedPut(PayloadMode.StreamingSigned, data.Length);
        SetBody(request, AwsChunkedBody.Signed(signer, AmzDateNow, signer.LastSignature!, data.Chunk(65536)));
        var auth = Authenticator(Now).Authenticate(request);

        using var payload = S3Payload.Open(request, auth);

        Assert.Equal(data, await ReadAllAsync(payload, 10_000));
    }

    [Fact]
    public async Task S3Payload_Open_SignedTrailerRoundTripAndForgedTrailerRefused()
    {
        var data = Ascii("hello, trailer");
        using var crc = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32);
        crc.Append(data);
        var trailer = new[] { ("x-amz-checksum-crc32", crc.GetBase64()) };

        var (request, signer) = SignedChunkedPut(PayloadMode.StreamingSignedTrailer, data.Length, "x-amz-checksum-crc32");
        var body = AwsChunkedBody.Signed(signer, AmzDateNow, signer.LastSignature!, [data], trailer);
        SetBody(request, body);
        var auth = Authenticator(Now).Authenticate(request);
        using (var payload = S3Payload.Open(request, auth))
        {
            Assert.Equal(data, await ReadAllAsync(payload));
            Assert.Equal(crc.GetBase64(), payload.Trailers["x-amz-checksum-crc32"]);
        }

        // Swap the checksum value but keep the old trailer signature: the trailer is signed, so refused.
        var forged = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(body).Replace(crc.GetBase64(), "AAAAAA==", StringComparison.Ordinal));
        SetBody(request, forged);
        using var forgedPayload = S3Payload.Open(request, auth);
        Assert.Equal("SignatureDoesNotMatch", (await FailsAsync(forgedPayload)).Code);
    }

    [Fact]
    public async Task S3Payload_Open_UnsignedTrailerWrongChecksumVisibleInTrailers()
    {
        var data = Ascii("hello world");
        var (request, _) = SignedChunkedPut(PayloadMode.StreamingUnsignedTrailer, data.Length, "x-amz-checksum-crc32c");
        SetBody(request, AwsChunkedBody.Unsigned([data[..5], data[5..]], [("x-amz-checksum-crc32c", "AAAAAA==")]));
        var auth = Authenticator(Now).Authenticate(request);
        Assert.Equal(PayloadMode.StreamingUnsignedTrailer, auth.Payload);

        using var payload = S3Payload.Open(request, auth);
        Assert.Equal(data, await ReadAllAsync(payload, 3));

        using var crc = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32C);
        crc.Append(data);
        Assert.NotEqual(crc.GetBase64(), payload.Trailers["x-amz-checksum-crc32c"]);
        var e = Assert.Throws<S3Exception>(() => S3Checksums.Verify(crc, payload.Trailers["x-amz-checksum-crc32c"]));
        Assert.Equal("BadDigest", e.Code);
    }

    [Fact]
    public async Task S3Payload_Open_UnsignedTrailerMissingDeclaredTrailerRefused()
    {
        var data = Ascii("hello");
        var (request, _) = SignedChunkedPut(PayloadMode.StreamingUnsignedTrailer, data.Length, "x-amz-checksum-crc32c");
        SetBody(request, AwsChunkedBody.Unsigned([data], []));
        using var payload = S3Payload.Open(request, Authenticator(Now).Authenticate(request));

        Assert.Equal("InvalidRequest", (await FailsAsync(payload)).Code);
    }

    [Fact]
    public async Task S3Payload_Open_TruncatedChunkedBodyIsIncompleteBody()
    {
        var full = AwsExampleBody();
        foreach (var cut in new[] { 0, 10, 88, 40_000, 65_626, 66_000, full.Length - 40, full.Length - 2 })
        {
            var request = AwsChunkedExample(full[..cut]);
            using var payload = S3Payload.Open(request, Authenticator(AwsExampleTime).Authenticate(request));

            var e = await FailsAsync(payload);
            Assert.True(e.Code == "IncompleteBody", $"cut at {cut}: {e.Code}");
            Assert.Equal(400, e.StatusCode);
        }
    }

    [Fact]
    public async Task S3Payload_Open_DecodedLengthMismatchRefused()
    {
        var request = AwsChunkedExample(AwsExampleBody());
        var auth = Authenticator(AwsExampleTime).Authenticate(request);
        request.Headers["x-amz-decoded-content-length"] = "70000";
        using (var payload = S3Payload.Open(request, auth))
        {
            Assert.Equal("IncompleteBody", (await FailsAsync(payload)).Code);
        }

        request = AwsChunkedExample(AwsExampleBody());
        request.Headers["x-amz-decoded-content-length"] = "1000";
        using var shorter = S3Payload.Open(request, auth);
        Assert.Equal("InvalidRequest", (await FailsAsync(shorter)).Code);
    }

    [Fact]
    public void S3Payload_Open_ChunkedWithoutDecodedLengthRefused()
    {
        var request = AwsChunkedExample(AwsExampleBody());
        var auth = Authenticator(AwsExampleTime).Authenticate(request);
        request.Headers.Remove("x-amz-decoded-content-length");

        Assert.Equal("MissingContentLength", Assert.Throws<S3Exception>(() => S3Payload.Open(request, auth)).Code);
    }

    [Fact]
    public async Task S3Payload_Open_ContentSha256MatchAccepted()
    {
        var data = Ascii("the quick brown fox");
        var request = new S3RequestSigner().Sign("PUT", "/b/k", "", [], Now, S3RequestSigner.Sha256Hex(data), body: data);
        using var payload = S3Payload.Open(request, Authenticator(Now).Authenticate(request));

        Assert.Equal(data, await ReadAllAsync(payload, 4));
        Assert.True(payload.Completed);
    }

    [Fact]
    public async Task S3Payload_Open_ContentSha256MismatchRefused()
    {
        var data = Ascii("the quick brown fox");
        var request = new S3RequestSigner().Sign("PUT", "/b/k", "", [], Now, S3RequestSigner.Sha256Hex(data), body: Ascii("the quick brown cat"));
        using var payload = S3Payload.Open(request, Authenticator(Now).Authenticate(request));

        var e = await FailsAsync(payload);
        Assert.Equal("XAmzContentSHA256Mismatch", e.Code);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public async Task S3Payload_Open_ContentSha256MismatchWithoutLengthRefused()
    {
        var data = Ascii("the quick brown fox");
        var request = new S3RequestSigner().Sign("PUT", "/b/k", "", [], Now, S3RequestSigner.Sha256Hex(data), body: Ascii("tampered"));
        request.ContentLength = null;
        using var payload = S3Payload.Open(request, Authenticator(Now).Authenticate(request));

        Assert.Equal("XAmzContentSHA256Mismatch", (await FailsAsync(payload)).Code);
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public async Task S3Payload_Open_ShortPlainBodyIsIncompleteBody(string hash)
    {
        var request = new S3RequestSigner().Sign("PUT", "/b/k", "", [], Now, hash, body: new byte[5 * 1024]);
        var auth = Authenticator(Now).Authenticate(request);
        request.ContentLength = 10 * 1024;
        using var payload = S3Payload.Open(request, auth);

        Assert.Equal("IncompleteBody", (await FailsAsync(payload)).Code);
    }

    [Fact]
    public async Task S3Payload_Open_UnsignedPlainBodyPassesThrough()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var request = new S3RequestSigner().Sign("PUT", "/b/k", "", [], Now, "UNSIGNED-PAYLOAD", body: data);
        using var payload = S3Payload.Open(request, Authenticator(Now).Authenticate(request));

        Assert.Equal(100_000, payload.DecodedLength);
        Assert.Equal(data, await ReadAllAsync(payload));
    }

    [Fact]
    public async Task S3Payload_Open_BlankLineBeforeTrailerTolerated()
    {
        var data = Ascii("hello");
        var (request, _) = SignedChunkedPut(PayloadMode.StreamingUnsignedTrailer, data.Length, "x-amz-checksum-crc32");
        SetBody(request, Ascii("5\r\nhello\r\n0\r\n\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"));
        using var payload = S3Payload.Open(request, Authenticator(Now).Authenticate(request));

        Assert.Equal(data, await ReadAllAsync(payload));
        Assert.Equal("NhCmhg==", payload.Trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public async Task S3Payload_Open_DataAfterFinalChunkRefused()
    {
        var request = AwsChunkedExample(Concat(AwsExampleBody(), Ascii("junk")));
        var auth = Authenticator(AwsExampleTime).Authenticate(request);
        request.ContentLength = null;
        using var payload = S3Payload.Open(request, auth);

        Assert.Equal("InvalidRequest", (await FailsAsync(payload)).Code);
    }

    [Fact]
    public void S3PayloadStream_Read_SynchronousReadsDecode()
    {
        var request = AwsChunkedExample(AwsExampleBody());
        using var payload = S3Payload.Open(request, Authenticator(AwsExampleTime).Authenticate(request));
        var output = new MemoryStream();

        payload.CopyTo(output, 5000);

        Assert.Equal(66560, output.Length);
        Assert.True(payload.Completed);
    }
}
