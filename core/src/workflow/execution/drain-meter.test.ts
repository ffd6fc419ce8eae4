// The engine's drain rate: executions that left it over the last second.
import { describe, expect, it } from 'vitest';
import { DrainMeter } from './drain-meter.ts';

describe('DrainMeter', () => {
  it('counts the executions of the last second, per second', () => {
    let now = 10_000;
    const meter = new DrainMeter(() => now);
    expect(meter.perSecond()).toBe(0);
    for (let i = 0; i < 50; i++) {
      meter.record();
      now += 10;
    }
    expect(meter.perSecond()).toBe(50);
  });

  it('forgets what finished more than a second ago', () => {
    let now = 0;
    const meter = new DrainMeter(() => now);
    for (let i = 0; i < 30; i++) meter.record();
    now = 500;
    for (let i = 0; i < 20; i++) meter.record();
    expect(meter.perSecond()).toBe(50);
    now = 1050;
    expect(meter.perSecond()).toBe(20);
    now = 5000;
    expect(meter.perSecond()).toBe(0);
    meter.record();
    expect(meter.perSecond()).toBe(1);
  });
});
