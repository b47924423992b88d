using System.CommandLine;
using Cairn.Admin.Commands;
using Spectre.Console;

namespace Cairn.Admin;

/// <summary>The command tree. Every command writes to the console it is given, so tests can read what it printed.</summary>
public static class AdminCli
{
    public static RootCommand Create(IAnsiConsole console)
    {
        var cluster = new ClusterOptions();
        var root = new RootCommand("cairn-admin: status, disks and heat, drains and background jobs of a Cairn cluster");
        foreach (var option in cluster.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(StatusCommand.Create(cluster, console));
        root.Subcommands.Add(DisksCommand.Create(cluster, console));
        root.Subcommands.Add(DrainCommand.Create(cluster, console));
        root.Subcommands.Add(JobsCommand.Create(cluster, console));
        return root;
    }
}
