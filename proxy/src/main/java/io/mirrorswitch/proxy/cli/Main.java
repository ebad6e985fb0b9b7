package io.mirrorswitch.proxy.cli; public class Main { public static void main(String[] a){} }
