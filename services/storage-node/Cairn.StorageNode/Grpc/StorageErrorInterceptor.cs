using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Shards;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Cairn.StorageNode.Grpc;

/// <summary>
/// The one place where domain failures become gRPC status codes, so the service class stays an adapter
/// and every RPC answers the same failure with the same code.
/// </summary>
public sealed class StorageErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ToStatus(ex) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (ToStatus(ex) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ToStatus(ex) is { } status)
        {
            throw new RpcException(status);
        }
    }

    /// <summary>The status for a domain failure; null leaves the exception to gRPC (Unknown / Cancelled).</summary>
    public static Status? ToStatus(Exception ex) => ex switch
    {
        ShardMissingException or UnknownDiskException => new Status(StatusCode.NotFound, ex.Message),
        ShardDamagedException or BlockChecksumMismatchException => new Status(StatusCode.DataLoss, ex.Message),
        UnsupportedShardFormatException => new Status(StatusCode.FailedPrecondition, ex.Message),
        InvalidShardWriteException => new Status(StatusCode.InvalidArgument, ex.Message),
        ArgumentOutOfRangeException => new Status(StatusCode.OutOfRange, ex.Message),
        ArgumentException => new Status(StatusCode.InvalidArgument, ex.Message),
        DiskFullException => new Status(StatusCode.ResourceExhausted, ex.Message),
        DiskIoException or DiskFailedException => new Status(StatusCode.Unavailable, ex.Message),
        _ => null,
    };
}
