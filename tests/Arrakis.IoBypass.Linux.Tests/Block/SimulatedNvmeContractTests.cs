using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Block.Simulated;

namespace Arrakis.IoBypass.Linux.Tests.Block;

/// <summary>The reference semantics: the simulated NVMe keeps the same contract as the kernel-backed queue pairs.</summary>
public sealed class SimulatedNvmeContractTests : QueuePairContractTests
{
    protected override IQueuePair Create(int depth = 256) => new SimulatedNvme(Capacity, 4096, depth);

    protected override byte[] ReadOutside(IQueuePair pair, long offset, int length) => ((SimulatedNvme)pair).ReadDurable(offset, length);
}
