using Cairn.Frontend.Routing;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Http;

/// <summary>One authenticated, routed S3 request, as every operation receives it.</summary>
public sealed record S3Request(HttpContext Http, S3Route Route, AuthContext Auth, string RequestId)
{
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public CancellationToken Aborted => Http.RequestAborted;

    public string Bucket => Route.Bucket ?? throw new InvalidOperationException("route has no bucket");
    public string Key => Route.Key ?? throw new InvalidOperationException("route has no key");

    public string? Query(string name) => Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public string? Header(string name) => Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    public string? VersionId
    {
        get
        {
            var v = Query("versionId");
            return string.IsNullOrEmpty(v) ? null : v;
        }
    }

    /// <summary>Opens the verified body (chunk signatures, sha256, length) as the protocol library decodes it.</summary>
    public S3PayloadStream OpenPayload() => S3Payload.Open(Request, Auth);
}
