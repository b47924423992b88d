using Cairn.Frontend.Backends;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Frontend.Tests.Fakes;

/// <summary>The in-memory fake namespace has no versions or tags: tests of those run on <see cref="InProcessNamespace"/>.</summary>
public sealed class UnversionedCatalog : IObjectVersionCatalog
{
    public Task<ListObjectVersionsResponse> ListObjectVersionsAsync(ListObjectVersionsRequest request, CancellationToken ct) =>
        throw S3Errors.NotImplemented("The in-memory test namespace has no version listing.");

    public Task<ObjectVersion> UpdateObjectTagsAsync(UpdateObjectTagsRequest request, CancellationToken ct) =>
        throw S3Errors.NotImplemented("The in-memory test namespace has no tags.");
}
