import{r as e,t}from"./chunk-QB3YPZ4I-C0i4e16k.js";import"./chunk-TU62E6Q5-Bsp6wtWf.js";import"./mermaid.core-Djc2XPNy.js";import"./chunk-HFQBQIA3-DvuXbbnD.js";import"./chunk-M57EVK23-Bl3Bi1hu.js";import"./chunk-DQASFODM-DHLAVXuN.js";import"./chunk-LEVMRMFU-BdZMjqSY.js";import"./chunk-AXFCVDMN-CMg5Du1k.js";import"./chunk-X4PVCEUW-TPXIsjGP.js";import"./chunk-STOXU5M4-DQIXJxBS.js";import"./chunk-R3KSYZAL-7efCUtBg.js";import"./chunk-6MUBBAK2-CDn-FeX6.js";import"./chunk-BG4553SI-CsyAlm3W.js";import"./d3-selection-lgwT1N1j.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};