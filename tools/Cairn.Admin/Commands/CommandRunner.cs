using System.CommandLine;
using Grpc.Core;
using Spectre.Console;

namespace Cairn.Admin.Commands;

/// <summary>Exit codes, and failures printed as one readable line instead of a stack trace.</summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int Unhealthy = 1;
    public const int Failed = 2;
    public const int TimedOut = 3;

    public static void SetRun(this Command command, IAnsiConsole console, Func<ParseResult, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await run(parse, ct);
            }
            catch (AdminException e)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return Failed;
            }
            catch (RpcException e)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {e.Status.StatusCode}: {e.Status.Detail}");
                return Failed;
            }
        });
}
