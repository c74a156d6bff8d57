package dev.fairlead.lb.tck;
