using Cairn.Frontend.Backends;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;
using Cairn.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Operations;

/// <summary>GetObject and HeadObject: metadata from the namespace, bytes (only the range asked) from shards.</summary>
public sealed class GetObject(IObjectMetadataStore metadata, BucketAccess access, ObjectReader reader)
{
    public async Task GetAsync(S3Request request) => await ServeAsync(request, sendBody: true);

    public async Task HeadAsync(S3Request request) => await ServeAsync(request, sendBody: false);

    private async Task ServeAsync(S3Request request, bool sendBody)
    {
        await access.RequireOwnerAsync(request);
        var version = await metadata.GetObjectAsync(request.Bucket, request.Key, request.VersionId, request.Aborted);
        var response = request.Response;
        var size = (long)version.Size;

        // Validators go out with 304/412 too.
        response.Headers.ETag = version.Etag;
        response.Headers.LastModified = S3Xml.HttpDate(version.LastModifiedUnixMs);
        Conditions.CheckRead(request.Request, version.Etag, version.LastModifiedUnixMs);

        ByteRange? range;
        try
        {
            range = request.Query("partNumber") is { } partNumber
                ? PartRange(version, partNumber, request.Header("Range"))
                : ByteRange.Parse(request.Header("Range"), size);
        }
        catch (S3Exception e) when (e.StatusCode == StatusCodes.Status416RangeNotSatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{size}";
            throw;
        }
        ObjectHeaders.Write(request.Request, response, version, wholeObject: range is null);
        var (offset, length) = range is { } r ? (r.Offset, r.Length) : (0L, size);
        if (range is { } partial)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {partial.Offset}-{partial.Last}/{size}";
        }
        response.ContentLength = length;
        if (!sendBody || length == 0)
        {
            return;
        }
        await ReadAsync(request, version, offset, length);
    }

    /// <summary>
    /// GET/HEAD ?partNumber=N (parallel downloads by the Go and Java transfer managers): the bytes of part N
    /// of a multipart object; part 1 of a single-PUT object is all of it.
    /// </summary>
    private static ByteRange? PartRange(ObjectVersion version, string partNumber, string? rangeHeader)
    {
        if (!string.IsNullOrEmpty(rangeHeader))
        {
            throw S3Errors.InvalidRequest("Cannot specify both Range header and partNumber query parameter.");
        }
        var number = Multipart.ParsePartNumber(partNumber);
        var parts = version.Parts.OrderBy(p => p.PartNumber).ToList();
        if (parts.Count <= 1)
        {
            return number == 1 ? null : throw S3Errors.InvalidPartNumber();
        }
        // Parts keep the numbers they were uploaded with (as MinIO does); clients upload 1..N contiguously.
        var index = parts.FindIndex(p => p.PartNumber == number);
        if (index < 0)
        {
            throw S3Errors.InvalidPartNumber();
        }
        var offset = parts.Take(index).Sum(p => (long)p.Size);
        return new ByteRange(offset, (long)parts[index].Size);
    }

    private async Task ReadAsync(S3Request request, ObjectVersion version, long offset, long length)
    {
        try
        {
            await reader.CopyRangeAsync(version, offset, length, request.Response.BodyWriter.AsWholeSegmentStream(request.Response.StartAsync), request.Aborted);
        }
        catch (S3Exception) when (request.Response.HasStarted)
        {
            // Some bytes are out and no replica can continue: cut the connection rather than send a
            // short or wrong body behind a 200 (the client sees a transport error, never bad data).
            request.Http.Abort();
        }
    }
}
