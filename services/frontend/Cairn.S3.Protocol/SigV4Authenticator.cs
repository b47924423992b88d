using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.S3.Protocol;

/// <summary>
/// Verifies AWS Signature Version 4, from the Authorization header or a presigned query. Every
/// request is verified the same way whatever its payload mode: the mode only decides how the body
/// is checked afterwards, so no mode can skip the signature (MinIO CVE-2025-31489, CVE-2026-41145).
/// </summary>
public sealed class SigV4Authenticator
{
    /// <summary>AWS allows 15 minutes of clock skew in either direction.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>Seven days: the longest X-Amz-Expires AWS accepts.</summary>
    public const int MaxPresignedExpirySeconds = 604800;

    private const int SigningKeyCacheLimit = 1024;

    private readonly CredentialStore _creds;
    private readonly TimeProvider _time;

    // Deriving a signing key costs four HMACs; it only changes per key, day and region.
    private readonly ConcurrentDictionary<(string AccessKey, string Scope), byte[]> _signingKeys = new();

    public SigV4Authenticator(CredentialStore creds, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(creds);
        ArgumentNullException.ThrowIfNull(time);
        _creds = creds;
        _time = time;
    }

    public AuthContext Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        var query = request.Query;
        var presigned = query.ContainsKey("X-Amz-Algorithm") || query.ContainsKey("X-Amz-Credential") || query.ContainsKey("X-Amz-Signature");
        var presignedV2 = query.ContainsKey("AWSAccessKeyId") || (query.ContainsKey("Signature") && query.ContainsKey("Expires"));

        if (authorization.Length > 0)
        {
            if (presigned || presignedV2)
            {
                throw S3Errors.InvalidArgument("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.", "Authorization", authorization);
            }

            if (authorization.StartsWith(SigV4Signing.Algorithm + " ", StringComparison.Ordinal))
            {
                return VerifyHeader(request, authorization);
            }

            if (authorization.StartsWith("AWS ", StringComparison.Ordinal))
            {
                throw S3Errors.InvalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
            }

            throw S3Errors.AuthorizationHeaderMalformed("Unsupported Authorization Type");
        }

        if (presigned)
        {
            return VerifyPresigned(request);
        }

        if (presignedV2)
        {
            // Never honour V2 presigns: they are how MinIO #5411 reached its admin API.
            throw S3Errors.AccessDenied("Query-string authentication version 2 is not supported. Use AWS4-HMAC-SHA256.");
        }

        throw S3Errors.AccessDenied();
    }

    private AuthContext VerifyHeader(HttpRequest request, string authorization)
    {
        var auth = SigV4AuthorizationHeader.Parse(authorization);
        if (!auth.SignedHeaders.Contains("host"))
        {
            throw S3Errors.AuthorizationHeaderMalformed("The authorization header is malformed; SignedHeaders must include host.");
        }

        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0)
        {
            throw S3Errors.InvalidRequest("Missing required header for this request: x-amz-content-sha256");
        }

        var (amzDate, requestTime) = HeaderRequestTime(request);
        if (!string.Equals(auth.Credential.Date, amzDate[..8], StringComparison.Ordinal))
        {
            throw S3Errors.AuthorizationHeaderMalformed($"Invalid credential date \"{auth.Credential.Date}\". This date is not the same as X-Amz-Date: \"{amzDate[..8]}\".");
        }

        var secret = Secret(auth.Credential.AccessKey);
        var payload = ParsePayloadMode(payloadHash);
        CheckSkew(requestTime);

        var (path, rawQuery) = RawTarget(request);
        var canonical = SigV4Canonical.Build(
            request.Method,
            SigV4Canonical.CanonicalUri(path),
            SigV4Canonical.CanonicalQuery(rawQuery, exclude: null),
            SigV4Canonical.CanonicalHeaders(request.Headers, auth.SignedHeaders),
            string.Join(';', auth.SignedHeaders),
            payloadHash);
        var key = SigningKey(auth.Credential, secret);
        Verify(key, amzDate, auth.Credential.Scope, canonical, auth.Signature);

        return new AuthContext(auth.Credential.AccessKey, payload, payload == PayloadMode.Sha256 ? payloadHash : null, Presigned: false,
            requestTime, auth.Credential.Scope, key, auth.Signature);
    }

    private AuthContext VerifyPresigned(HttpRequest request)
    {
        var q = request.Query;
        var algorithm = q["X-Amz-Algorithm"].ToString();
        if (!string.Equals(algorithm, SigV4Signing.Algorithm, StringComparison.Ordinal))
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        var credential = Required(q, "X-Amz-Credential");
        var amzDate = Required(q, "X-Amz-Date");
        var expiresText = Required(q, "X-Amz-Expires");
        var signedHeadersText = Required(q, "X-Amz-SignedHeaders");
        var signature = Required(q, "X-Amz-Signature");

        var cred = SigV4Credential.Parse(credential, S3Errors.AuthorizationQueryParametersError);
        if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Expires should be a number");
        }

        if (expires <= 0)
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Expires must be non-negative");
        }

        if (expires > MaxPresignedExpirySeconds)
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }

        if (!TryParseAmzDate(amzDate, out var requestTime))
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }

        if (!string.Equals(cred.Date, amzDate[..8], StringComparison.Ordinal))
        {
            throw S3Errors.AuthorizationQueryParametersError($"Invalid credential date \"{cred.Date}\". This date is not the same as X-Amz-Date: \"{amzDate[..8]}\".");
        }

        var signedHeaders = SigV4AuthorizationHeader.ParseSignedHeaders(signedHeadersText)
            ?? throw S3Errors.AuthorizationQueryParametersError("X-Amz-SignedHeaders is malformed.");
        if (!signedHeaders.Contains("host"))
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-SignedHeaders must include host.");
        }

        if (!SigV4Signing.IsLowerHex64(signature))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }

        var secret = Secret(cred.AccessKey);
        var now = _time.GetUtcNow();
        if (requestTime - now > MaxSkew)
        {
            throw S3Errors.AccessDenied("Request is not valid yet");
        }

        if (now > requestTime.AddSeconds(expires))
        {
            throw S3Errors.AccessDenied("Request has expired");
        }

        // What was signed decides how the body is read: the query's hash, else a header, else unsigned.
        var payloadHash = q["X-Amz-Content-Sha256"].ToString();
        if (payloadHash.Length == 0)
        {
            payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        }

        if (payloadHash.Length == 0)
        {
            payloadHash = SigV4Signing.UnsignedPayload;
        }

        var payload = ParsePayloadMode(payloadHash);
        var (path, rawQuery) = RawTarget(request);
        var canonical = SigV4Canonical.Build(
            request.Method,
            SigV4Canonical.CanonicalUri(path),
            SigV4Canonical.CanonicalQuery(rawQuery, exclude: "X-Amz-Signature"),
            SigV4Canonical.CanonicalHeaders(request.Headers, signedHeaders),
            string.Join(';', signedHeaders),
            payloadHash);
        var key = SigningKey(cred, secret);
        Verify(key, amzDate, cred.Scope, canonical, signature);

        return new AuthContext(cred.AccessKey, payload, payload == PayloadMode.Sha256 ? payloadHash : null, Presigned: true,
            requestTime, cred.Scope, key, signature);
    }

    private static string Required(IQueryCollection q, string name)
    {
        var values = q[name];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            throw S3Errors.AuthorizationQueryParametersError($"Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters; {name} is missing.");
        }

        return values[0]!;
    }

    private string Secret(string accessKey)
        => _creds.TryGetSecret(accessKey, out var secret) ? secret : throw S3Errors.InvalidAccessKeyId(accessKey);

    private byte[] SigningKey(SigV4Credential cred, string secret)
    {
        var cacheKey = (cred.AccessKey, cred.Scope);
        if (_signingKeys.TryGetValue(cacheKey, out var key))
        {
            return key;
        }

        key = SigV4Signing.DeriveSigningKey(secret, cred.Date, cred.Region);

        // Bounded by clearing: keys are cheap to re-derive and the set of live scopes is tiny.
        if (_signingKeys.Count >= SigningKeyCacheLimit)
        {
            _signingKeys.Clear();
        }

        _signingKeys[cacheKey] = key;
        return key;
    }

    private static void Verify(byte[] signingKey, string amzDate, string scope, string canonicalRequest, string presented)
    {
        var expected = SigV4Signing.Sign(signingKey, SigV4Signing.StringToSign(amzDate, scope, canonicalRequest));
        if (!SigV4Signing.SignatureEquals(expected, presented))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }
    }

    private void CheckSkew(DateTimeOffset requestTime)
    {
        var now = _time.GetUtcNow();
        var skew = now - requestTime;
        if (skew > MaxSkew || skew < -MaxSkew)
        {
            throw S3Errors.RequestTimeTooSkewed(requestTime, now);
        }
    }

    /// <summary>X-Amz-Date, or else the Date header; the string form is what the signature covers.</summary>
    private static (string AmzDate, DateTimeOffset Time) HeaderRequestTime(HttpRequest request)
    {
        var amzDate = request.Headers["x-amz-date"].ToString();
        if (amzDate.Length > 0)
        {
            return TryParseAmzDate(amzDate, out var t)
                ? (amzDate, t)
                : throw S3Errors.AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
        }

        var date = request.Headers.Date.ToString();
        if (date.Length > 0 && DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
        {
            return (d.UtcDateTime.ToString(SigV4Signing.AmzDateFormat, CultureInfo.InvariantCulture), d);
        }

        throw S3Errors.AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
    }

    internal static bool TryParseAmzDate(string s, out DateTimeOffset time)
        => DateTimeOffset.TryParseExact(s, SigV4Signing.AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static PayloadMode ParsePayloadMode(string hash) => hash switch
    {
        SigV4Signing.UnsignedPayload => PayloadMode.Unsigned,
        SigV4Signing.StreamingSigned => PayloadMode.StreamingSigned,
        SigV4Signing.StreamingSignedTrailer => PayloadMode.StreamingSignedTrailer,
        SigV4Signing.StreamingUnsignedTrailer => PayloadMode.StreamingUnsignedTrailer,
        _ when SigV4Signing.IsLowerHex64(hash) => PayloadMode.Sha256,
        _ => throw S3Errors.InvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a SHA-256 hex digest.", "x-amz-content-sha256", hash),
    };

    /// <summary>
    /// The path and query as the client sent them. Kestrel keeps the raw target; hosts without it
    /// (TestServer, DefaultHttpContext) fall back to the escaped PathBase+Path and QueryString.
    /// </summary>
    private static (string Path, string Query) RawTarget(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/')
        {
            var q = raw.IndexOf('?', StringComparison.Ordinal);
            return q < 0 ? (raw, string.Empty) : (raw[..q], raw[(q + 1)..]);
        }

        var path = request.PathBase.Add(request.Path).ToUriComponent();
        return (path, request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty);
    }
}
