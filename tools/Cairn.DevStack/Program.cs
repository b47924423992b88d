using Cairn.DevStack;

StackOptions options;
try
{
    options = StackOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(StackOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

Console.WriteLine($"Starting Cairn: data in {options.DataDir}, logs in {Path.Combine(options.DataDir, "logs")}");
await using var stack = await LocalStack.StartAsync(options, Console.Out, stop.Token);
foreach (var p in stack.Processes)
{
    Console.WriteLine($"{p.Name,-15} dashboard: {p.HttpUrl}/dashboard");
}

// The admin CLI (tools/Cairn.Admin) reads these; storage nodes it finds through placement.
var admin = string.Join(' ', new[] { "placement", "namespace", "heat-monitor", "background-ops", "frontend" }
    .Select(n => $"CAIRN_{n.Replace('-', '_').ToUpperInvariant()}_GRPC={stack.Service(n).GrpcUrl}"));
Console.WriteLine($"Admin CLI: {admin} dotnet run --project tools/Cairn.Admin -- status");
Console.WriteLine($"Access key: {options.AccessKey}");
Console.WriteLine($"Secret key: {options.SecretKey}");
Console.WriteLine($"S3 endpoint: {stack.S3Endpoint}");
Console.WriteLine("Ctrl-C stops every service.");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

Console.WriteLine("Stopping...");
return 0;
