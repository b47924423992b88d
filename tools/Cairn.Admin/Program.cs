using Cairn.Admin;
using Spectre.Console;

return await AdminCli.Create(AnsiConsole.Console).Parse(args).InvokeAsync();
