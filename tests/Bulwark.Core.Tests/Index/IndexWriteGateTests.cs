using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public sealed class IndexWriteGateTests
{
    [Fact]
    public async Task A_writer_past_the_slots_waits_until_one_is_given_back()
    {
        using var gate = new IndexWriteGate(2);
        var first = await gate.EnterAsync(CancellationToken.None);
        using var second = await gate.EnterAsync(CancellationToken.None);

        var third = gate.EnterAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using var entered = await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, gate.Available);
    }

    [Fact]
    public async Task A_slot_disposed_twice_is_given_back_once()
    {
        using var gate = new IndexWriteGate(1);
        var slot = await gate.EnterAsync(CancellationToken.None);
        slot.Dispose();
        slot.Dispose();
        Assert.Equal(1, gate.Available);
    }

    [Fact]
    public async Task A_waiting_writer_can_be_cancelled_without_taking_a_slot()
    {
        using var gate = new IndexWriteGate(1);
        using var held = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, gate.Available);
    }
}
