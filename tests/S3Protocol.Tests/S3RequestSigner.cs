using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.S3.Protocol.Tests;

/// <summary>
/// Test-side SigV4 signer written independently of the library (as the AWS SDKs sign), so the
/// tests do not check the verifier against itself. Builds a DefaultHttpContext request.
/// </summary>
internal sealed class S3RequestSigner
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public string AccessKeyId { get; init; } = AccessKey;

    public string SecretKey { get; init; } = Secret;

    public string RegionName { get; init; } = Region;

    /// <summary>Builds a request whose Authorization header signs the given headers (plus host).</summary>
    public HttpRequest Sign(string method, string encodedPath, string encodedQuery, IEnumerable<(string Name, string Value)> headers,
        DateTimeOffset time, string payloadHash, string host = "examplebucket.s3.amazonaws.com", byte[]? body = null)
    {
        var amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host,
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = payloadHash,
        };
        foreach (var (n, v) in headers)
        {
            all[n.ToLowerInvariant()] = v;
        }

        var signedHeaders = string.Join(';', all.Keys);
        // As the SDKs do: trim, and collapse inner runs of spaces to one.
        var canonicalHeaders = string.Concat(all.Select(kv => $"{kv.Key}:{System.Text.RegularExpressions.Regex.Replace(kv.Value.Trim(), " +", " ")}\n"));
        var canonical = $"{method}\n{encodedPath}\n{CanonicalQuery(encodedQuery, null)}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var scope = $"{amzDate[..8]}/{RegionName}/s3/aws4_request";
        var signature = Signature(amzDate, scope, canonical);

        var request = NewRequest(method, encodedPath, encodedQuery, body);
        foreach (var (n, v) in all)
        {
            request.Headers[n] = v;
        }

        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        LastSignature = signature;
        LastCanonicalRequest = canonical;
        return request;
    }

    public string? LastSignature { get; private set; }

    public string? LastCanonicalRequest { get; private set; }

    /// <summary>Builds a presigned request (host the only signed header, payload UNSIGNED-PAYLOAD).</summary>
    public HttpRequest Presign(string method, string encodedPath, DateTimeOffset time, string expires, string host = "examplebucket.s3.amazonaws.com",
        IEnumerable<(string Name, string Value)>? extraQuery = null)
    {
        var amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/{RegionName}/s3/aws4_request";
        var query = new List<(string, string)>
        {
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", $"{AccessKeyId}/{scope}"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", expires),
            ("X-Amz-SignedHeaders", "host"),
        };
        query.AddRange(extraQuery ?? []);
        var encodedQuery = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}"));
        var canonical = $"{method}\n{encodedPath}\n{CanonicalQuery(encodedQuery, null)}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD";
        var signature = Signature(amzDate, scope, canonical);
        var request = NewRequest(method, encodedPath, encodedQuery + "&X-Amz-Signature=" + signature, null);
        request.Headers.Host = host;
        LastSignature = signature;
        return request;
    }

    public byte[] SigningKey(string date)
    {
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + SecretKey), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(RegionName));
        k = HMACSHA256.HashData(k, "s3"u8.ToArray());
        return HMACSHA256.HashData(k, "aws4_request"u8.ToArray());
    }

    public static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Signs one aws-chunked chunk: the chain link from <paramref name="previous"/>.</summary>
    public string ChunkSignature(string amzDate, string previous, ReadOnlySpan<byte> chunk)
    {
        var scope = $"{amzDate[..8]}/{RegionName}/s3/aws4_request";
        var sts = $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{EmptySha256}\n{Sha256Hex(chunk)}";
        return Hex(HMACSHA256.HashData(SigningKey(amzDate[..8]), Encoding.UTF8.GetBytes(sts)));
    }

    public string TrailerSignature(string amzDate, string previous, string trailerLines)
    {
        var scope = $"{amzDate[..8]}/{RegionName}/s3/aws4_request";
        var sts = $"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{previous}\n{Sha256Hex(Encoding.UTF8.GetBytes(trailerLines))}";
        return Hex(HMACSHA256.HashData(SigningKey(amzDate[..8]), Encoding.UTF8.GetBytes(sts)));
    }

    private string Signature(string amzDate, string scope, string canonical)
    {
        var sts = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonical))}";
        return Hex(HMACSHA256.HashData(SigningKey(amzDate[..8]), Encoding.UTF8.GetBytes(sts)));
    }

    private static string CanonicalQuery(string encodedQuery, string? exclude)
    {
        if (encodedQuery.Length == 0)
        {
            return string.Empty;
        }

        return string.Join('&', encodedQuery.Split('&')
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Where(p => exclude is null || !p.StartsWith(exclude + "=", StringComparison.Ordinal))
            .OrderBy(p => p[..p.IndexOf('=', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ThenBy(p => p, StringComparer.Ordinal));
    }

    public static HttpRequest NewRequest(string method, string encodedPath, string encodedQuery, byte[]? body)
    {
        var ctx = new DefaultHttpContext();
        var request = ctx.Request;
        request.Method = method;
        request.Path = PathString.FromUriComponent(encodedPath);
        request.QueryString = encodedQuery.Length == 0 ? QueryString.Empty : new QueryString("?" + encodedQuery);
        ctx.Features.Get<IHttpRequestFeature>()!.RawTarget = encodedQuery.Length == 0 ? encodedPath : encodedPath + "?" + encodedQuery;
        if (body is not null)
        {
            request.Body = new MemoryStream(body);
            request.ContentLength = body.Length;
        }

        return request;
    }
}
