using System.Security.Cryptography;
using System.Text;

namespace Cairn.S3.Protocol;

/// <summary>The SigV4 primitives shared by the verifier, the chunk reader and the presigner.</summary>
internal static class SigV4Signing
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
    public const string TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";
    public const string Terminator = "aws4_request";
    public const string Service = "s3";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string EmptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static byte[] DeriveSigningKey(string secret, string date, string region, string service = Service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, Encoding.UTF8.GetBytes(Terminator));
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest)
        => $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(canonicalRequest)}";

    public static string ChunkStringToSign(string amzDate, string scope, string previousSignature, string chunkSha256Hex)
        => $"{ChunkAlgorithm}\n{amzDate}\n{scope}\n{previousSignature}\n{EmptySha256Hex}\n{chunkSha256Hex}";

    public static string TrailerStringToSign(string amzDate, string scope, string previousSignature, string trailerSha256Hex)
        => $"{TrailerAlgorithm}\n{amzDate}\n{scope}\n{previousSignature}\n{trailerSha256Hex}";

    /// <summary>Lower-case hex HMAC-SHA256 of <paramref name="stringToSign"/>.</summary>
    public static string Sign(byte[] signingKey, string stringToSign)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign), mac);
        return Convert.ToHexStringLower(mac);
    }

    public static string Sha256Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    /// <summary>Constant-time comparison of a computed and a presented signature (threat 3: no timing oracle).</summary>
    public static bool SignatureEquals(string expected, string presented)
    {
        // Both are ASCII hex; lengths are public (always 64 for a well-formed signature).
        Span<byte> a = stackalloc byte[64];
        Span<byte> b = stackalloc byte[64];
        if (expected.Length != 64 || presented.Length != 64)
        {
            return false;
        }

        for (var i = 0; i < 64; i++)
        {
            a[i] = (byte)expected[i];
            b[i] = (byte)presented[i];
        }

        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    public static bool IsLowerHex64(ReadOnlySpan<char> s)
    {
        if (s.Length != 64)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
