using Orleans.Hosting.Kubernetes;

namespace NevGrains.Silo;

/// <summary>
/// Microsoft.Orleans.Hosting.Kubernetes, on when <c>NevGrains:Kubernetes:Enabled</c> is true (deploy/k8s sets it). It supplements
/// the Azure Table membership: it labels this pod with <c>orleans/serviceId</c> and <c>orleans/clusterId</c>, watches the pods of
/// the cluster and declares dead at once the silos whose pods are gone, instead of waiting for missed probes. Orleans advises it
/// only where one Deployment owns one cluster, as deploy/k8s does; silo name and address still come from NevGrains' own
/// settings (the downward API), so the silo starts the same with it off. The rest of the section binds
/// <see cref="KubernetesHostingOptions"/> (MaxAgents, DeleteDefunctSiloPods, ...).
/// </summary>
public static class KubernetesHosting
{
    public const string Section = "NevGrains:Kubernetes";

    public static ISiloBuilder UseNevGrainsKubernetesHosting(this ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (section.GetValue<bool>("Enabled"))
        {
            silo.UseKubernetesHosting(options => options.Bind(section));
        }
        return silo;
    }
}
