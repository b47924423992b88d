using Cairn.BackgroundOps;
using Cairn.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("background-ops");
builder.AddBackgroundOps();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapBackgroundOps();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
