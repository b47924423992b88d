using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol;

/// <summary>Opens the verified request body for the payload mode the signature committed to.</summary>
public static class S3Payload
{
    public static S3PayloadStream Open(HttpRequest request, AuthContext auth)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(auth);
        var contentLength = request.ContentLength ?? -1;
        switch (auth.Payload)
        {
            case PayloadMode.Unsigned:
                return new S3PayloadStream(new PlainPayloadReader(request.Body, contentLength, null), contentLength);
            case PayloadMode.Sha256:
                return new S3PayloadStream(new PlainPayloadReader(request.Body, contentLength, auth.PayloadSha256Hex), contentLength);
            default:
                var decoded = DecodedContentLength(request);
                var declared = DeclaredTrailers(request, auth.Payload);
                return new S3PayloadStream(new AwsChunkedPayloadReader(request.Body, contentLength, decoded, auth, declared), decoded);
        }
    }

    /// <summary>x-amz-decoded-content-length is mandatory for aws-chunked: it is the object's length.</summary>
    private static long DecodedContentLength(HttpRequest request)
    {
        var text = request.Headers["x-amz-decoded-content-length"].ToString();
        if (text.Length == 0)
        {
            throw S3Errors.MissingContentLength();
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var decoded))
        {
            throw S3Errors.InvalidArgument("x-amz-decoded-content-length must be a non-negative integer.", "x-amz-decoded-content-length", text);
        }

        return decoded;
    }

    private static string[] DeclaredTrailers(HttpRequest request, PayloadMode mode)
    {
        var header = request.Headers["x-amz-trailer"].ToString();
        if (header.Length == 0)
        {
            return [];
        }

        if (mode is not (PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer))
        {
            throw S3Errors.InvalidRequest("x-amz-trailer requires a STREAMING-*-TRAILER x-amz-content-sha256.");
        }

        return header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToArray();
    }
}
