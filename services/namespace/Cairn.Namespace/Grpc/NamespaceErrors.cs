using Cairn.Namespace.Domain;
using Grpc.Core;

namespace Cairn.Namespace.Grpc;

/// <summary>Domain failures to gRPC statuses: the status message is the S3 error code (see README).</summary>
internal static class NamespaceErrors
{
    public static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (NamespaceException e)
        {
            var trailers = new Metadata();
            foreach (var (name, value) in e.Trailers)
            {
                trailers.Add(name, value);
            }

            throw new RpcException(new Status(ToStatusCode(e.Kind), e.Code), trailers, e.Code);
        }
    }

    public static StatusCode ToStatusCode(NamespaceErrorKind kind) => kind switch
    {
        NamespaceErrorKind.NotFound => StatusCode.NotFound,
        NamespaceErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        NamespaceErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        _ => StatusCode.InvalidArgument,
    };
}
