using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.Bench;

/// <summary>
/// Minimal SigV4 header signing for a load generator: path-style requests with UNSIGNED-PAYLOAD, signing host,
/// x-amz-content-sha256 and x-amz-date, exactly what AWS SDKs send for such requests.
/// </summary>
public sealed class S3Signer(string accessKey, string secretKey, string region = "us-east-1")
{
    private const string Unsigned = "UNSIGNED-PAYLOAD";

    public void Sign(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri!;
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", Unsigned);

        var canonicalQuery = string.Join('&', (uri.Query.Length > 1 ? uri.Query[1..].Split('&') : [])
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Order(StringComparer.Ordinal));
        var canonical = $"{request.Method.Method}\n{uri.AbsolutePath}\n{canonicalQuery}\nhost:{host}\nx-amz-content-sha256:{Unsigned}\nx-amz-date:{amzDate}\n\nhost;x-amz-content-sha256;x-amz-date\n{Unsigned}";
        var scope = $"{date}/{region}/s3/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), "s3"), "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
