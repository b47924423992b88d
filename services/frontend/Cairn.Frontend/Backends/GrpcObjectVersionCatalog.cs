using Cairn.Namespace.V1;
using Grpc.Core;

namespace Cairn.Frontend.Backends;

/// <summary>The version listing and tag updates over the namespace's gRPC API.</summary>
public sealed class GrpcObjectVersionCatalog(Namespace.V1.Namespace.NamespaceClient client) : IObjectVersionCatalog
{
    public async Task<ListObjectVersionsResponse> ListObjectVersionsAsync(ListObjectVersionsRequest request, CancellationToken ct)
    {
        try
        {
            return await client.ListObjectVersionsAsync(request, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw NamespaceErrors.ToS3(e, request.Bucket);
        }
    }

    public async Task<ObjectVersion> UpdateObjectTagsAsync(UpdateObjectTagsRequest request, CancellationToken ct)
    {
        try
        {
            return await client.UpdateObjectTagsAsync(request, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw NamespaceErrors.ToS3(e, request.Bucket, request.Key);
        }
    }
}
