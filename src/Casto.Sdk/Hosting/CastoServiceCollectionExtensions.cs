using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Casto.Sdk;

/// <summary>Registers Casto in a generic host or an ASP.NET Core app.</summary>
public static class CastoServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddCasto(IServiceCollection, IConfiguration, string)"/> reads by default.</summary>
    public const string DefaultSection = "Casto";

    /// <summary>
    /// Binds <see cref="CastoOptions"/> from <paramref name="configuration"/>'s <paramref name="section"/> (e.g.
    /// <c>"Casto": { "Stream": "show", "SignalServers": [ "/ip4/…/tcp/9090/ws" ] }</c>) and registers
    /// <see cref="CastoClient"/>, the <see cref="CastoViewer"/> hosted service that watches the stream while the host
    /// runs, and a health check named <c>casto</c>. Options are validated when first resolved.
    /// </summary>
    public static IServiceCollection AddCasto(this IServiceCollection services, IConfiguration configuration, string section = DefaultSection)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(section);
        return services.AddCasto(options => configuration.GetSection(section).Bind(options));
    }

    /// <summary>Like <see cref="AddCasto(IServiceCollection, IConfiguration, string)"/>, with the options set in code.</summary>
    public static IServiceCollection AddCasto(this IServiceCollection services, Action<CastoOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(sp =>
        {
            var options = new CastoOptions { LoggerFactory = sp.GetService<ILoggerFactory>() };
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            configure(options);
            options.Validate();
            return options;
        });
        services.TryAddSingleton(sp => new CastoClient(sp.GetRequiredService<CastoOptions>()));
        services.TryAddSingleton<CastoViewer>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<CastoViewer>());
        services.AddHealthChecks().AddCheck<CastoHealthCheck>("casto");
        return services;
    }
}
