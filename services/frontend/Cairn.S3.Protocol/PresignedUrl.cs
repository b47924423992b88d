using System.Globalization;
using System.Text;

namespace Cairn.S3.Protocol;

/// <summary>Builds SigV4 presigned URLs, path-style, signing only the host header (for tests and the admin CLI).</summary>
public static class PresignedUrl
{
    public static string Create(string method, Uri endpointBaseUri, string bucket, string key, string accessKey, string secret, string region, DateTimeOffset now, TimeSpan expires)
    {
        ArgumentNullException.ThrowIfNull(endpointBaseUri);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(region);
        var seconds = (long)Math.Ceiling(expires.TotalSeconds);
        if (seconds is <= 0 or > SigV4Authenticator.MaxPresignedExpirySeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(expires), expires, "A presigned URL lives between 1 second and 7 days.");
        }

        var amzDate = now.UtcDateTime.ToString(SigV4Signing.AmzDateFormat, CultureInfo.InvariantCulture);
        var cred = new SigV4Credential(accessKey, amzDate[..8], region);

        // The path is encoded once, exactly as it is sent, so the verifier's canonical URI is the same string.
        var basePath = endpointBaseUri.AbsolutePath.TrimEnd('/');
        var path = new StringBuilder(basePath).Append('/').Append(SigV4Canonical.UriEncode(bucket, keepSlash: false));
        if (!string.IsNullOrEmpty(key))
        {
            path.Append('/').Append(SigV4Canonical.UriEncode(key, keepSlash: true));
        }

        var query = string.Join('&',
            Param("X-Amz-Algorithm", SigV4Signing.Algorithm),
            Param("X-Amz-Credential", $"{accessKey}/{cred.Scope}"),
            Param("X-Amz-Date", amzDate),
            Param("X-Amz-Expires", seconds.ToString(CultureInfo.InvariantCulture)),
            Param("X-Amz-SignedHeaders", "host"));

        var host = endpointBaseUri.IsDefaultPort ? endpointBaseUri.Host : endpointBaseUri.Authority;
        var canonical = SigV4Canonical.Build(method.ToUpperInvariant(), path.ToString(), SigV4Canonical.CanonicalQuery(query, exclude: null),
            $"host:{host}\n", "host", SigV4Signing.UnsignedPayload);
        var signature = SigV4Signing.Sign(SigV4Signing.DeriveSigningKey(secret, cred.Date, region),
            SigV4Signing.StringToSign(amzDate, cred.Scope, canonical));

        var root = endpointBaseUri.GetLeftPart(UriPartial.Authority);
        return $"{root}{path}?{query}&X-Amz-Signature={signature}";

        static string Param(string name, string value) => $"{name}={SigV4Canonical.UriEncode(value, keepSlash: false)}";
    }
}
