using Cairn.Namespace.V1;

namespace Cairn.Frontend.Backends;

/// <summary>
/// The namespace calls that work on individual versions rather than on the latest object: the version listing
/// and per-version tags. Kept apart from <see cref="IObjectMetadataStore"/> so the core store stays small and
/// its in-memory fakes need not grow. Failures leave as <see cref="Cairn.S3.Protocol.S3Exception"/>.
/// </summary>
public interface IObjectVersionCatalog
{
    Task<ListObjectVersionsResponse> ListObjectVersionsAsync(ListObjectVersionsRequest request, CancellationToken ct);

    /// <summary>Replaces the tag set of one version (the latest when <c>version_id</c> is empty).</summary>
    Task<ObjectVersion> UpdateObjectTagsAsync(UpdateObjectTagsRequest request, CancellationToken ct);
}
