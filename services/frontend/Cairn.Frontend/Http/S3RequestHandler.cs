using System.Diagnostics;
using Cairn.Frontend.Routing;
using Cairn.Frontend.Telemetry;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Cairn.Frontend.Http;

/// <summary>
/// The S3 entry point: request ids, authentication before anything else, routing, dispatch, the one error
/// path, and per-operation telemetry.
/// </summary>
public sealed class S3RequestHandler(S3Router router, SigV4Authenticator authenticator, S3Dispatcher dispatcher, FrontendMetrics metrics, ILogger<S3RequestHandler> log)
{
    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        http.Response.Headers.Server = "Cairn";
        var bodyLimit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodyLimit is { IsReadOnly: false })
        {
            // Sizes are enforced per operation (5 GiB per PUT or part) by the data path itself.
            bodyLimit.MaxRequestBodySize = null;
        }

        var operation = "Unknown";
        string? errorCode = null;
        using var activity = FrontendMetrics.ActivitySource.StartActivity("S3 request");
        try
        {
            var auth = authenticator.Authenticate(http.Request);
            var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString);
            var route = router.Route(http.Request.Method, http.Request.Host.Value, rawTarget, http.Request.Query,
                http.Request.Headers.ContainsKey("x-amz-copy-source"));
            operation = route.Operation.ToString();
            activity?.SetTag("s3.operation", operation);
            activity?.SetTag("s3.bucket", route.Bucket);
            await dispatcher.DispatchAsync(new S3Request(http, route, auth, requestId));
        }
        catch (S3Exception e)
        {
            errorCode = e.Code;
            await WriteErrorAsync(http, e, requestId);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing was committed, and there is nobody to answer.
            errorCode = "ClientDisconnected";
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's view of a broken body: truncated (client FIN/RST before Content-Length) or malformed.
            errorCode = "IncompleteBody";
            log.LogInformation(e, "Bad request body for {Operation}", operation);
            await WriteErrorAsync(http, S3Errors.IncompleteBody(), requestId);
        }
        catch (Exception e)
        {
            errorCode = "InternalError";
            log.LogError(e, "Unhandled error in {Operation}", operation);
            await WriteErrorAsync(http, S3Errors.InternalError(), requestId);
        }
        finally
        {
            metrics.RecordRequest(operation, http.Response.StatusCode, errorCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task WriteErrorAsync(HttpContext http, S3Exception error, string requestId)
    {
        if (http.Response.HasStarted)
        {
            // Part of a success response is already out: the only honest signal left is a broken connection.
            http.Abort();
            return;
        }
        // Drop headers a half-prepared success response set (Content-Range, object metadata...); validators
        // stay for 304/412, and Content-Range stays for 416 where it says the real size.
        var keep = error.StatusCode switch
        {
            304 or 412 => new[] { "ETag", "Last-Modified" },
            416 => ["Content-Range"],
            _ => [],
        };
        foreach (var name in http.Response.Headers.Keys.ToList())
        {
            if (!name.StartsWith("x-amz-id-2", StringComparison.OrdinalIgnoreCase) && !name.Equals("x-amz-request-id", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Server", StringComparison.OrdinalIgnoreCase) && !keep.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                http.Response.Headers.Remove(name);
            }
        }
        try
        {
            await S3ErrorWriter.WriteAsync(http, error, requestId);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // Client gone while we answered.
        }
    }
}
