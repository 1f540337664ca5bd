package com.example;
public class Handler {
    public String handleRequest(Object event) { return "ok"; }
}
