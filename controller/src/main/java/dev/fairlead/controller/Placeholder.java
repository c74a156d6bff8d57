package dev.fairlead.controller;
