using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;

namespace Cairn.Frontend.Operations;

/// <summary>
/// GetObjectTagging, PutObjectTagging, DeleteObjectTagging: tags belong to one version (the latest unless
/// versionId names another) and change in the namespace only; the object's bytes are never touched.
/// </summary>
public sealed class ObjectTagging(IObjectMetadataStore metadata, IObjectVersionCatalog versions, BucketAccess access)
{
    private const int MaxBodyBytes = 64 * 1024;

    public async Task GetAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var version = await metadata.GetObjectAsync(request.Bucket, request.Key, request.VersionId, request.Aborted);
        ObjectHeaders.WriteVersionId(request.Response, version.VersionId);
        await S3Xml.WriteAsync(request.Response, "Tagging", w => TagSet.WriteXml(w, version.Tags));
    }

    public async Task PutAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var body = await RequestXml.ReadAsync(request, MaxBodyBytes);
        var tags = TagSet.FromXml(body.Document);
        var updated = await UpdateAsync(request, tags);
        ObjectHeaders.WriteVersionId(request.Response, updated.VersionId);
        request.Response.ContentLength = 0;
    }

    public async Task DeleteAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var updated = await UpdateAsync(request, new Dictionary<string, string>());
        ObjectHeaders.WriteVersionId(request.Response, updated.VersionId);
        request.Response.StatusCode = 204;
    }

    private Task<ObjectVersion> UpdateAsync(S3Request request, Dictionary<string, string> tags) =>
        versions.UpdateObjectTagsAsync(new UpdateObjectTagsRequest
        {
            Bucket = request.Bucket,
            Key = request.Key,
            VersionId = request.VersionId ?? string.Empty,
            Tags = { tags },
        }, request.Aborted);
}
